import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FS, grantedRights, handledRights } from './landlock.ts';

describe('landlock rights', () => {
  it('handles every file-system right each ABI knows', () => {
    const cases = [
      { abi: 1, fs: 0x1fff },
      { abi: 2, fs: 0x3fff },
      { abi: 3, fs: 0x7fff },
      { abi: 4, fs: 0x7fff },
      { abi: 5, fs: 0xffff },
      { abi: 7, fs: 0xffff },
    ];
    for (const { abi, fs } of cases) assert.equal(handledRights(abi, false).fs, fs, `ABI ${abi}`);
  });

  it('refuses TCP bind from ABI 4, and TCP connect only when ports are given', () => {
    assert.equal(handledRights(3, true).net, 0);
    assert.equal(handledRights(4, false).net, 1);
    assert.equal(handledRights(4, true).net, 3);
  });

  it('scopes abstract unix sockets and signals from ABI 6', () => {
    assert.equal(handledRights(5, false).scoped, 0);
    assert.equal(handledRights(6, false).scoped, 3);
  });

  it('gives the data directory what SQLite needs for its -wal and -shm files', () => {
    const rights = grantedRights('read-write', true, handledRights(7, false).fs);
    for (const right of [FS.makeReg, FS.removeFile, FS.writeFile, FS.truncate, FS.readDir]) {
      assert.ok(rights & right, `right ${right} missing`);
    }
    assert.equal(rights & FS.execute, 0);
  });

  it('keeps only file rights on a file, which the kernel otherwise rejects with EINVAL', () => {
    const rights = grantedRights('read-write', false, handledRights(7, false).fs);
    assert.equal(rights, FS.readFile | FS.writeFile | FS.truncate);
  });

  it('grants no right the running ABI does not handle', () => {
    assert.equal(grantedRights('read-write', true, handledRights(2, false).fs) & FS.truncate, 0);
  });
});
