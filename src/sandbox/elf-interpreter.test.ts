import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { findElfInterpreter } from './elf-interpreter.ts';

describe('ELF interpreter', () => {
  it('finds the dynamic loader of the running Node binary', () => {
    const interpreter = findElfInterpreter(process.execPath);
    assert.match(interpreter ?? '', /^\/.*ld-linux.*\.so\.\d$/);
    assert.ok(existsSync(interpreter ?? ''));
  });

  it('returns undefined for a file that is not ELF', () => {
    assert.equal(findElfInterpreter(new URL(import.meta.url).pathname), undefined);
  });
});
