import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES } from './errors.ts';

function documentedCodes(): string[] {
  const text = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  return [...text.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map((m) => m[1] ?? '');
}

describe('error codes', () => {
  it('has exactly one row in docs/errors.md for each code in src/errors.ts', () => {
    const documented = documentedCodes();
    assert.deepEqual([...documented].sort(), [...ERROR_CODES].sort());
    assert.equal(new Set(documented).size, documented.length, 'a code is documented twice');
  });
});
