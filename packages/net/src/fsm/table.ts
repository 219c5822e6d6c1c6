/**
 * The DICOM Upper Layer state machine as data: PS3.8 §9.2, Table 9-10 (state transition table), with the
 * states of Table 9-9, the events of Table 9-8 (Evt1–Evt19) and the actions of Tables 9-6/9-7/9-8
 * (AE-1…AE-8, DT-1/2, AR-1…AR-10, AA-1…AA-8). A (state, event) pair absent from the table is not a legal
 * combination: {@link transition} reports it by name and the shell treats it as an abort.
 */

export type State =
  | 'Sta1'
  | 'Sta2'
  | 'Sta3'
  | 'Sta4'
  | 'Sta5'
  | 'Sta6'
  | 'Sta7'
  | 'Sta8'
  | 'Sta9'
  | 'Sta10'
  | 'Sta11'
  | 'Sta12'
  | 'Sta13';

export const STATES: readonly State[] = [
  'Sta1',
  'Sta2',
  'Sta3',
  'Sta4',
  'Sta5',
  'Sta6',
  'Sta7',
  'Sta8',
  'Sta9',
  'Sta10',
  'Sta11',
  'Sta12',
  'Sta13',
];

/** PS3.8 Table 9-9. */
export const STATE_DESCRIPTIONS: Record<State, string> = {
  Sta1: 'Idle',
  Sta2: 'Transport connection open (awaiting A-ASSOCIATE-RQ PDU)',
  Sta3: 'Awaiting local A-ASSOCIATE response primitive (from local user)',
  Sta4: 'Awaiting transport connection opening to complete (from local transport service)',
  Sta5: 'Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU',
  Sta6: 'Association established and ready for data transfer',
  Sta7: 'Awaiting A-RELEASE-RP PDU',
  Sta8: 'Awaiting local A-RELEASE response primitive (from local user)',
  Sta9: 'Release collision requestor side; awaiting A-RELEASE response (from local user)',
  Sta10: 'Release collision acceptor side; awaiting A-RELEASE-RP PDU',
  Sta11: 'Release collision requestor side; awaiting A-RELEASE-RP PDU',
  Sta12: 'Release collision acceptor side; awaiting A-RELEASE response primitive (from local user)',
  Sta13: 'Awaiting Transport Connection Close Indication (Association no longer exists)',
};

export type Event =
  | 'Evt1'
  | 'Evt2'
  | 'Evt3'
  | 'Evt4'
  | 'Evt5'
  | 'Evt6'
  | 'Evt7'
  | 'Evt8'
  | 'Evt9'
  | 'Evt10'
  | 'Evt11'
  | 'Evt12'
  | 'Evt13'
  | 'Evt14'
  | 'Evt15'
  | 'Evt16'
  | 'Evt17'
  | 'Evt18'
  | 'Evt19';

export const EVENTS: readonly Event[] = Array.from({ length: 19 }, (_, i) => `Evt${i + 1}` as Event);

/** PS3.8 Table 9-8 (events). */
export const EVENT_DESCRIPTIONS: Record<Event, string> = {
  Evt1: 'A-ASSOCIATE request (local user)',
  Evt2: 'Transport connect confirmation (local transport service)',
  Evt3: 'A-ASSOCIATE-AC PDU (received on transport connection)',
  Evt4: 'A-ASSOCIATE-RJ PDU (received on transport connection)',
  Evt5: 'Transport connection indication (local transport service)',
  Evt6: 'A-ASSOCIATE-RQ PDU (received on transport connection)',
  Evt7: 'A-ASSOCIATE response primitive (accept)',
  Evt8: 'A-ASSOCIATE response primitive (reject)',
  Evt9: 'P-DATA request primitive',
  Evt10: 'P-DATA-TF PDU (received on transport connection)',
  Evt11: 'A-RELEASE request primitive',
  Evt12: 'A-RELEASE-RQ PDU (received on transport connection)',
  Evt13: 'A-RELEASE-RP PDU (received on transport connection)',
  Evt14: 'A-RELEASE response primitive',
  Evt15: 'A-ABORT request primitive',
  Evt16: 'A-ABORT PDU (received on transport connection)',
  Evt17: 'Transport connection closed indication (local transport service)',
  Evt18: 'ARTIM timer expired (Association reject/release timer)',
  Evt19: 'Unrecognized or invalid PDU received',
};

export type Action =
  | 'AE-1'
  | 'AE-2'
  | 'AE-3'
  | 'AE-4'
  | 'AE-5'
  | 'AE-6'
  | 'AE-7'
  | 'AE-8'
  | 'DT-1'
  | 'DT-2'
  | 'AR-1'
  | 'AR-2'
  | 'AR-3'
  | 'AR-4'
  | 'AR-5'
  | 'AR-6'
  | 'AR-7'
  | 'AR-8'
  | 'AR-9'
  | 'AR-10'
  | 'AA-1'
  | 'AA-2'
  | 'AA-3'
  | 'AA-4'
  | 'AA-5'
  | 'AA-6'
  | 'AA-7'
  | 'AA-8';

/**
 * What each action does and the state it leads to (PS3.8 Tables 9-6, 9-7 and 9-8). AE-6 and AR-8 lead to one of
 * two states depending on a condition, given as `next` alternatives.
 */
export const ACTIONS: Record<Action, { does: string; next: State | [State, State] }> = {
  'AE-1': { does: 'Issue TRANSPORT CONNECT request primitive to local transport service', next: 'Sta4' },
  'AE-2': { does: 'Send A-ASSOCIATE-RQ PDU', next: 'Sta5' },
  'AE-3': { does: 'Issue A-ASSOCIATE confirmation (accept) primitive', next: 'Sta6' },
  'AE-4': {
    does: 'Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection',
    next: 'Sta1',
  },
  'AE-5': { does: 'Issue Transport connection response primitive; start ARTIM timer', next: 'Sta2' },
  'AE-6': {
    does: 'Stop ARTIM timer and if A-ASSOCIATE-RQ acceptable by service-provider: issue A-ASSOCIATE indication primitive (Sta3); otherwise issue A-ASSOCIATE-RJ-PDU and start ARTIM timer (Sta13)',
    next: ['Sta3', 'Sta13'],
  },
  'AE-7': { does: 'Send A-ASSOCIATE-AC PDU', next: 'Sta6' },
  'AE-8': { does: 'Send A-ASSOCIATE-RJ PDU and start ARTIM timer', next: 'Sta13' },
  'DT-1': { does: 'Send P-DATA-TF PDU', next: 'Sta6' },
  'DT-2': { does: 'Send P-DATA indication primitive', next: 'Sta6' },
  'AR-1': { does: 'Send A-RELEASE-RQ PDU', next: 'Sta7' },
  'AR-2': { does: 'Issue A-RELEASE indication primitive', next: 'Sta8' },
  'AR-3': { does: 'Issue A-RELEASE confirmation primitive, and close transport connection', next: 'Sta1' },
  'AR-4': { does: 'Issue A-RELEASE-RP PDU and start ARTIM timer', next: 'Sta13' },
  'AR-5': { does: 'Stop ARTIM timer', next: 'Sta1' },
  'AR-6': { does: 'Issue P-DATA indication', next: 'Sta7' },
  'AR-7': { does: 'Issue P-DATA-TF PDU', next: 'Sta8' },
  'AR-8': {
    does: 'Issue A-RELEASE indication (release collision): association-requestor → Sta9, otherwise Sta10',
    next: ['Sta9', 'Sta10'],
  },
  'AR-9': { does: 'Send A-RELEASE-RP PDU', next: 'Sta11' },
  'AR-10': { does: 'Issue A-RELEASE confirmation primitive', next: 'Sta12' },
  'AA-1': {
    does: 'Send A-ABORT PDU (service-user source) and start (or restart if already started) ARTIM timer',
    next: 'Sta13',
  },
  'AA-2': { does: 'Stop ARTIM timer if running. Close transport connection', next: 'Sta1' },
  'AA-3': {
    does: 'If (service-user initiated abort): issue A-ABORT indication and close transport connection; otherwise (service-provider initiated abort): issue A-P-ABORT indication and close transport connection',
    next: 'Sta1',
  },
  'AA-4': { does: 'Issue A-P-ABORT indication primitive', next: 'Sta1' },
  'AA-5': { does: 'Stop ARTIM timer', next: 'Sta1' },
  'AA-6': { does: 'Ignore PDU', next: 'Sta13' },
  'AA-7': { does: 'Send A-ABORT PDU', next: 'Sta13' },
  'AA-8': {
    does: 'Send A-ABORT PDU (service-provider source), issue an A-P-ABORT indication, and start ARTIM timer',
    next: 'Sta13',
  },
};

type Row = Partial<Record<State, Action>>;

/** States Sta6 … Sta12 (the association exists or is being released). */
function established(a: Action): Row {
  return { Sta6: a, Sta7: a, Sta8: a, Sta9: a, Sta10: a, Sta11: a, Sta12: a };
}

/** A PDU that is unexpected everywhere except where listed: AA-1 in Sta2, AA-8 in Sta3/5…12, AA-6 in Sta13. */
function unexpectedPdu(): Row {
  return { Sta2: 'AA-1', Sta3: 'AA-8', Sta5: 'AA-8', ...established('AA-8'), Sta13: 'AA-6' };
}

/** PS3.8 Table 9-10: event → state → action. Blank cells are absent. */
export const TRANSITION_TABLE: Record<Event, Row> = {
  Evt1: { Sta1: 'AE-1' },
  Evt2: { Sta4: 'AE-2' },
  Evt3: { ...unexpectedPdu(), Sta5: 'AE-3' },
  Evt4: { ...unexpectedPdu(), Sta5: 'AE-4' },
  Evt5: { Sta1: 'AE-5' },
  Evt6: { ...unexpectedPdu(), Sta2: 'AE-6', Sta13: 'AA-7' },
  Evt7: { Sta3: 'AE-7' },
  Evt8: { Sta3: 'AE-8' },
  Evt9: { Sta6: 'DT-1', Sta8: 'AR-7' },
  Evt10: { ...unexpectedPdu(), Sta6: 'DT-2', Sta7: 'AR-6' },
  Evt11: { Sta6: 'AR-1' },
  Evt12: { ...unexpectedPdu(), Sta6: 'AR-2', Sta7: 'AR-8' },
  Evt13: { ...unexpectedPdu(), Sta7: 'AR-3', Sta10: 'AR-10', Sta11: 'AR-3' },
  Evt14: { Sta8: 'AR-4', Sta9: 'AR-9', Sta12: 'AR-4' },
  Evt15: { Sta3: 'AA-1', Sta4: 'AA-2', Sta5: 'AA-1', ...established('AA-1') },
  Evt16: { Sta2: 'AA-2', Sta3: 'AA-3', Sta5: 'AA-3', ...established('AA-3'), Sta13: 'AA-2' },
  Evt17: { Sta2: 'AA-5', Sta3: 'AA-4', Sta4: 'AA-4', Sta5: 'AA-4', ...established('AA-4'), Sta13: 'AR-5' },
  Evt18: { Sta2: 'AA-2', Sta13: 'AR-5' },
  Evt19: { Sta2: 'AA-1', Sta3: 'AA-8', Sta5: 'AA-8', ...established('AA-8'), Sta13: 'AA-7' },
};

export interface Transition {
  action: Action;
  /** The next state; for AE-6 and AR-8 the shell picks one of the two by the action's condition. */
  next: State | [State, State];
}

/** An event that Table 9-10 does not allow in a state. */
export class InvalidTransition extends Error {
  constructor(
    readonly state: State,
    readonly event: Event,
  ) {
    super(`${event} (${EVENT_DESCRIPTIONS[event]}) is not valid in ${state} (${STATE_DESCRIPTIONS[state]})`);
    this.name = 'InvalidTransition';
  }
}

/** The action and next state for an event in a state (pure). Throws InvalidTransition for a blank cell. */
export function transition(state: State, event: Event): Transition {
  const action = TRANSITION_TABLE[event][state];
  if (!action) throw new InvalidTransition(state, event);
  return { action, next: ACTIONS[action].next };
}
