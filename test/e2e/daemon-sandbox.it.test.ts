/**
 * The running daemon is confined, seen from outside: every thread reports no_new_privs and the
 * seccomp filter in /proc, and the daemon's hidden self-check (enabled only by an environment
 * variable that tests set) finds reading outside its paths and starting programs refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/docker.ts';
import { newDataDir, removeDataDir, startDaemon, type DaemonHandle } from '../helpers/daemon.ts';
import { clearWhalewall } from '../helpers/cli.ts';

interface Report {
  readonly pid: number;
  readonly forbiddenRead: { readonly sync: string; readonly async: string };
  readonly allowedRead: { readonly sync: string; readonly async: string };
  readonly allowedWrite: { readonly outcome: string };
  readonly spawn: { readonly outcome: string };
  readonly execve: { readonly outcome: string };
}

function threadStatus(pid: number): { tid: string; nnp: string; seccomp: string }[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const text = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    const field = (name: string): string =>
      new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(text)?.[1] ?? '';
    return { tid, nnp: field('NoNewPrivs'), seccomp: field('Seccomp') };
  });
}

describe('the running daemon, unprivileged and sandboxed', () => {
  let daemon: DaemonHandle;
  let report: Report;

  before(async () => {
    const dataDir = newDataDir();
    const reportPath = join(dataDir, 'self-check.json');
    daemon = await startDaemon({
      dataDir,
      mode: 'unprivileged',
      env: { WHALEWALL_SANDBOX_SELFTEST: reportPath },
    });
    report = await waitFor('the self-check report', () =>
      Promise.resolve(
        existsSync(reportPath) && (JSON.parse(readFileSync(reportPath, 'utf8')) as Report),
      ),
    );
  });

  after(async () => {
    await daemon.stop();
    await clearWhalewall(daemon.dataDir);
    removeDataDir(daemon.dataDir);
  });

  it('has no_new_privs and the seccomp filter on every thread', () => {
    const threads = threadStatus(daemon.pid);
    assert.ok(threads.length > 4, `only ${threads.length} threads: is this the daemon?`);
    for (const t of threads) {
      assert.equal(t.nnp, '1', `thread ${t.tid} lacks no_new_privs`);
      assert.equal(t.seccomp, '2', `thread ${t.tid} is not under a seccomp filter`);
    }
  });

  it('reports the self-check from the daemon process itself', () => {
    assert.equal(report.pid, daemon.pid);
  });

  it('cannot read files outside its allowed paths, on the main thread or the libuv pool', () => {
    assert.equal(report.forbiddenRead.sync, 'EACCES');
    assert.equal(report.forbiddenRead.async, 'EACCES');
    assert.equal(report.allowedRead.sync, 'ok');
    assert.equal(report.allowedRead.async, 'ok');
    assert.equal(report.allowedWrite.outcome, 'ok');
  });

  it('cannot start a program', () => {
    assert.equal(report.spawn.outcome, 'EPERM');
    assert.equal(report.execve.outcome, 'EPERM');
  });
});
