import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACTIONS,
  EVENTS,
  STATES,
  transition,
  InvalidTransition,
  TRANSITION_TABLE,
  type Event,
  type State,
} from '../src/index.js';

/**
 * PS3.8 Table 9-10 transcribed as its grid: one row per event, one column per state Sta1…Sta13, '.' for a
 * blank cell. Written independently of table.ts (which builds rows from helpers), so a slip in either shows.
 */
const GRID = `
        Sta1  Sta2  Sta3  Sta4  Sta5  Sta6  Sta7  Sta8  Sta9  Sta10 Sta11 Sta12 Sta13
Evt1    AE-1  .     .     .     .     .     .     .     .     .     .     .     .
Evt2    .     .     .     AE-2  .     .     .     .     .     .     .     .     .
Evt3    .     AA-1  AA-8  .     AE-3  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt4    .     AA-1  AA-8  .     AE-4  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt5    AE-5  .     .     .     .     .     .     .     .     .     .     .     .
Evt6    .     AE-6  AA-8  .     AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-7
Evt7    .     .     AE-7  .     .     .     .     .     .     .     .     .     .
Evt8    .     .     AE-8  .     .     .     .     .     .     .     .     .     .
Evt9    .     .     .     .     .     DT-1  .     AR-7  .     .     .     .     .
Evt10   .     AA-1  AA-8  .     AA-8  DT-2  AR-6  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt11   .     .     .     .     .     AR-1  .     .     .     .     .     .     .
Evt12   .     AA-1  AA-8  .     AA-8  AR-2  AR-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-6
Evt13   .     AA-1  AA-8  .     AA-8  AA-8  AR-3  AA-8  AA-8  AR-10 AR-3  AA-8  AA-6
Evt14   .     .     .     .     .     .     .     AR-4  AR-9  .     .     AR-4  .
Evt15   .     .     AA-1  AA-2  AA-1  AA-1  AA-1  AA-1  AA-1  AA-1  AA-1  AA-1  .
Evt16   .     AA-2  AA-3  .     AA-3  AA-3  AA-3  AA-3  AA-3  AA-3  AA-3  AA-3  AA-2
Evt17   .     AA-5  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AA-4  AR-5
Evt18   .     AA-2  .     .     .     .     .     .     .     .     .     .     AR-5
Evt19   .     AA-1  AA-8  .     AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-8  AA-7
`;

const rows = GRID.trim()
  .split('\n')
  .slice(1)
  .map((l) => l.trim().split(/\s+/));

test('Table 9-10: all 13 × 19 cells, one by one', () => {
  assert.equal(rows.length, 19);
  let filled = 0;
  for (const [event, ...cells] of rows) {
    assert.equal(cells.length, 13, event);
    cells.forEach((expected, i) => {
      const state = STATES[i]!;
      const ev = event as Event;
      if (expected === '.') {
        assert.equal(TRANSITION_TABLE[ev][state], undefined, `${ev} × ${state} should be blank`);
        assert.throws(
          () => transition(state, ev),
          (e) => e instanceof InvalidTransition && e.message.includes(ev) && e.message.includes(state),
        );
      } else {
        filled++;
        assert.equal(transition(state, ev).action, expected, `${ev} × ${state}`);
      }
    });
  }
  assert.equal(filled, 123);
  assert.deepEqual(
    EVENTS,
    rows.map((r) => r[0]),
  );
});

test('actions lead to the states of PS3.8 Tables 9-6/9-7/9-8', () => {
  const expected: Record<string, State | State[]> = {
    'AE-1': 'Sta4',
    'AE-2': 'Sta5',
    'AE-3': 'Sta6',
    'AE-4': 'Sta1',
    'AE-5': 'Sta2',
    'AE-6': ['Sta3', 'Sta13'],
    'AE-7': 'Sta6',
    'AE-8': 'Sta13',
    'DT-1': 'Sta6',
    'DT-2': 'Sta6',
    'AR-1': 'Sta7',
    'AR-2': 'Sta8',
    'AR-3': 'Sta1',
    'AR-4': 'Sta13',
    'AR-5': 'Sta1',
    'AR-6': 'Sta7',
    'AR-7': 'Sta8',
    'AR-8': ['Sta9', 'Sta10'],
    'AR-9': 'Sta11',
    'AR-10': 'Sta12',
    'AA-1': 'Sta13',
    'AA-2': 'Sta1',
    'AA-3': 'Sta1',
    'AA-4': 'Sta1',
    'AA-5': 'Sta1',
    'AA-6': 'Sta13',
    'AA-7': 'Sta13',
    'AA-8': 'Sta13',
  };
  assert.equal(Object.keys(ACTIONS).length, 28);
  for (const [a, next] of Object.entries(expected))
    assert.deepEqual(ACTIONS[a as keyof typeof ACTIONS].next, next, a);
});
