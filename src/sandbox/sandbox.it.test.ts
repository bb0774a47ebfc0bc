/**
 * The sandbox on the real kernel, seen from outside the confined process: /proc for every thread,
 * the self-check report for what the process could and could not do. Needs root (to create a
 * network namespace and to switch to an unprivileged user).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { parseConfinementStatus } from './process-status.ts';
import type { SelfCheckReport } from './self-check.ts';

const APP_ROOT = path.resolve(import.meta.dirname, '..', '..');
const FIXTURE = path.join(APP_ROOT, 'test', 'fixtures', 'sandbox', 'confined-program.ts');
const NOBODY = 65534;
const DEADLINE_MS = 20_000;
const isRoot = process.getuid?.() === 0;

interface Confined {
  readonly child: ChildProcess;
  readonly ready: Record<string, unknown>;
  readonly events: Record<string, unknown>[];
}

/** Starts the fixture and resolves once it reports `ready`; rejects on exit or after the deadline. */
function startConfined(command: string[], env: NodeJS.ProcessEnv): Promise<Confined> {
  const [program = '', ...args] = command;
  const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no "ready" within ${DEADLINE_MS} ms; stderr: ${stderr}`));
    }, DEADLINE_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the fixture exited with ${code}; stderr: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      if (event['event'] !== 'ready') return;
      clearTimeout(timer);
      resolve({ child, ready: event, events });
    });
  });
}

/** Ends the process this test started, by its PID, and waits for it to go. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  await exited;
}

function threadStatuses(pid: number) {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.map((tid) => {
    const text = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    const filters = Number(/^Seccomp_filters:\s*(\d+)/m.exec(text)?.[1] ?? '0');
    return { tid, filters, ...parseConfinementStatus(text) };
  });
}

function assertEveryThreadConfined(pid: number): void {
  const threads = threadStatuses(pid);
  assert.ok(threads.length >= 8, `only ${threads.length} threads`);
  for (const thread of threads) {
    assert.equal(thread.noNewPrivs, true, `thread ${thread.tid} lacks NoNewPrivs`);
    assert.equal(thread.seccompMode, 2, `thread ${thread.tid} has no seccomp filter`);
    // Stage 1's io_uring filter and stage 2's allow-list.
    assert.equal(thread.filters, 2, `thread ${thread.tid} has ${thread.filters} filters`);
  }
}

function eventOf(confined: Confined, name: string): Record<string, unknown> {
  const event = confined.events.find((e) => e['event'] === name);
  assert.ok(event, `the fixture reported no "${name}"`);
  return event;
}

/** A stand-in for the Docker socket, outside every path the sandbox allows. */
function startSocketServer(dir: string): Promise<{ server: http.Server; socketPath: string }> {
  const socketPath = path.join(dir, 'probe.sock');
  const server = http.createServer((_request, response) => response.end('OK'));
  return new Promise((resolve) => {
    server.listen(socketPath, () => {
      chmodSync(socketPath, 0o666);
      resolve({ server, socketPath });
    });
  });
}

describe('sandbox on the real kernel', { skip: !isRoot && 'needs root' }, () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'ww-sandbox-'));
  const namespace = `ww-sbx-${process.pid}`;
  let socket: { server: http.Server; socketPath: string } | undefined;

  before(async () => {
    chmodSync(scratch, 0o755);
    socket = await startSocketServer(scratch);
  });

  after(() => {
    socket?.server.close();
    spawnSync('ip', ['netns', 'delete', namespace]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('puts every thread under seccomp and no_new_privs, and refuses foreign reads and exec', async () => {
    const dataDir = mkdtempSync(path.join(scratch, 'root-'));
    const reportPath = path.join(dataDir, 'self-check.json');
    const env = {
      ...process.env,
      WHALEWALL_SANDBOX_SELFTEST: reportPath,
      PROBE_SOCKET: socket?.socketPath,
    };
    const confined = await startConfined([process.execPath, FIXTURE, dataDir, APP_ROOT], env);
    try {
      const pid = Number(confined.ready['pid']);
      assertEveryThreadConfined(pid);

      assert.equal((eventOf(confined, 'stage')['stage'] as { kind: string }).kind, 'confined');
      assert.equal((eventOf(confined, 'locked')['lock'] as { applied: boolean }).applied, true);
      assert.deepEqual(confined.ready['rows'], { n: 2 });
      assert.equal(confined.ready['ping'], 'status 200');

      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as SelfCheckReport;
      assert.equal(report.pid, pid);
      assert.deepEqual(report.forbiddenRead, {
        path: '/etc/passwd',
        sync: 'EACCES',
        async: 'EACCES',
      });
      assert.equal(report.spawn.outcome, 'EPERM');
      assert.equal(report.execve.outcome, 'EPERM');
      assert.deepEqual([report.allowedRead.sync, report.allowedRead.async], ['ok', 'ok']);
      assert.equal(report.allowedWrite.outcome, 'ok');
    } finally {
      await stop(confined.child);
    }
  });

  it('runs as nobody with only CAP_NET_ADMIN and creates a table in its own namespace', async () => {
    assert.equal(spawnSync('ip', ['netns', 'add', namespace]).status, 0, 'ip netns add failed');
    const dataDir = mkdtempSync(path.join(scratch, 'nobody-'));
    chownSync(dataDir, NOBODY, NOBODY);
    const setpriv = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
    const caps = ['--inh-caps=-all,+net_admin', '--ambient-caps=-all,+net_admin'];
    const bounding = ['--bounding-set=-all,+net_admin'];
    const command = ['ip', 'netns', 'exec', namespace, ...setpriv, ...caps, ...bounding];
    const env = { ...process.env, PROBE_SOCKET: socket?.socketPath };
    const confined = await startConfined(
      [...command, process.execPath, FIXTURE, dataDir, APP_ROOT, '--nft'],
      env,
    );
    try {
      const pid = Number(confined.ready['pid']);
      const status = parseConfinementStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
      assert.equal(status.effectiveCapabilities, 1n << 12n, 'CapEff is not CAP_NET_ADMIN alone');
      assertEveryThreadConfined(pid);
      assert.equal(confined.ready['nft'], 'ok');
      assert.equal(confined.ready['ping'], 'status 200');

      const inside = spawnSync('ip', ['netns', 'exec', namespace, 'nft', 'list', 'tables']);
      assert.match(inside.stdout.toString(), /table inet ww_sandbox_probe/);
      const host = spawnSync('nft', ['list', 'tables']);
      assert.doesNotMatch(host.stdout.toString(), /ww_sandbox_probe/);
    } finally {
      await stop(confined.child);
    }
  });
});
