/**
 * The main entry must run in a browser: no Node built-ins imported anywhere it reaches (only src/node/ may).
 * A static check over the compiled modules reachable from dist/src/index.js, following relative imports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../src/index.js', import.meta.url));

test('the decode and render path imports no Node built-in', () => {
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('node:') || ['fs', 'path', 'zlib', 'crypto', 'os', 'child_process'].includes(spec))
        offenders.push(`${file}: ${spec}`);
      else if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
    }
  };
  visit(ENTRY);
  assert.ok(seen.size > 20, `only ${seen.size} modules reached`);
  assert.deepEqual(offenders, []);
});
