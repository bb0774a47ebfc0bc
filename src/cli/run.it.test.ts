/**
 * How `whalewall run` ends when it cannot do its job: exit codes and messages an operator (or a
 * supervisor) sees. Runs the real program; nftables work happens in a network namespace of the
 * test's own (`unshare -n`), never in the host's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = new URL('./main.ts', import.meta.url).pathname;

interface Outcome {
  readonly code: number | null;
  readonly stderr: string;
  readonly log: string;
}

function runWhalewall(
  prefix: readonly string[],
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'ww-run-'));
  const log = join(dir, 'daemon.log');
  const argv = [...prefix, process.execPath, MAIN, 'run', '-d', dir, '-l', log, ...args];
  const [file = '', ...rest] = argv;
  return new Promise((resolve) => {
    execFile(
      file,
      rest,
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (err, _out, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
        rmSync(dir, { recursive: true, force: true });
        resolve({ code, stderr, log: text });
      },
    );
  });
}

describe('whalewall run', () => {
  it('exits 1 with ERR_DOCKER_UNAVAILABLE when Docker stays unreachable past its budget', async () => {
    const env = { DOCKER_HOST: `unix://${tmpdir()}/no-such-docker-${process.pid}.sock` };
    const out = await runWhalewall(
      ['unshare', '-n'],
      ['--no-sandbox', '--docker-budget', '1s'],
      env,
    );
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.log, /"code":"ERR_DOCKER_UNAVAILABLE"/);
    assert.match(out.stderr, /whalewall run: /);
  });

  it('exits 3 and names CAP_NET_ADMIN when run without it', async () => {
    const prefix = [
      'setpriv',
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      '--inh-caps=-all',
    ];
    const out = await runWhalewall(prefix, ['--no-sandbox'], {});
    assert.equal(out.code, 3);
    assert.match(out.stderr, /CAP_NET_ADMIN/);
  });

  it('exits 2 on a flag it does not know', async () => {
    const out = await runWhalewall([], ['--bogus'], {});
    assert.equal(out.code, 2);
    assert.match(out.stderr, /bogus/);
  });
});
