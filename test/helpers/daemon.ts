/**
 * Runs the real whalewall daemon as a child process for end-to-end tests, and reads what it
 * reports (its JSON log lines and `whalewall status --json`). Every wait polls with a deadline.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './docker.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface DaemonHandle {
  readonly dataDir: string;
  readonly logFile: string;
  readonly pid: number;
  /** Lines logged so far, parsed. */
  logs(): LogLine[];
  /** SIGTERM, then wait for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  exited(): Promise<number | null>;
}

export interface StartOptions {
  readonly dataDir?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Wait for the first converge pass (default true). */
  readonly waitReady?: boolean;
  /** Default `root`. */
  readonly mode?: DaemonMode;
}

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'wwtest-data-'));
}

function readLogs(file: string): LogLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

function waitExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
}

/**
 * How the daemon runs: as root in this process's namespace; as an unprivileged user holding only
 * CAP_NET_ADMIN and the Docker socket's group, with its sandbox on; or in its container image
 * (`packaging/`) with `--cap-drop ALL --cap-add NET_ADMIN --network host`.
 */
export type DaemonMode = 'root' | 'unprivileged' | 'image';

export const DAEMON_IMAGE = 'whalewall:e2e';
const NOBODY = 65534;

interface Launched {
  readonly child: ChildProcess;
  readonly kill: () => Promise<void>;
}

function dockerGroupId(): string {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('docker:'));
  const gid = line?.split(':')[2];
  if (gid === undefined) throw new Error('no docker group on this host');
  return gid;
}

function launch(
  mode: DaemonMode,
  dataDir: string,
  logName: string,
  extra: string[],
  env: NodeJS.ProcessEnv,
): Launched {
  const stdio: ['ignore', 'ignore', 'pipe'] = ['ignore', 'ignore', 'pipe'];
  if (mode === 'image') {
    const name = `wwtest-${process.pid}-whalewall-${Date.now()}`;
    const argv = ['run', '--name', name, '--rm', '--network', 'host', '--cap-drop', 'ALL'];
    argv.push('--cap-add', 'NET_ADMIN', '-v', '/var/run/docker.sock:/var/run/docker.sock:ro');
    argv.push(
      '-v',
      `${dataDir}:/data`,
      DAEMON_IMAGE,
      '-l',
      `/data/${logName}`,
      '--debug',
      ...extra,
    );
    const child = spawn('docker', argv, { env, stdio });
    const kill = async (): Promise<void> => {
      await new Promise((resolve) => execFile('docker', ['kill', '-s', 'KILL', name], resolve));
    };
    return { child, kill };
  }
  const daemonArgs = [
    MAIN,
    'run',
    '-d',
    dataDir,
    '-l',
    join(dataDir, logName),
    '--debug',
    ...extra,
  ];
  if (mode === 'root') {
    const child = spawn(process.execPath, daemonArgs, { env, stdio });
    return { child, kill: () => Promise.resolve(void child.kill('SIGKILL')) };
  }
  chownSync(dataDir, NOBODY, NOBODY);
  const caps = ['--inh-caps=-all,+net_admin', '--ambient-caps=-all,+net_admin'];
  const ids = [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, `--groups=${dockerGroupId()}`];
  const argv = [...ids, ...caps, '--bounding-set=-all,+net_admin', process.execPath, ...daemonArgs];
  const child = spawn('setpriv', argv, { env, stdio });
  return { child, kill: () => Promise.resolve(void child.kill('SIGKILL')) };
}

export async function startDaemon(opts: StartOptions = {}): Promise<DaemonHandle> {
  const dataDir = opts.dataDir ?? newDataDir();
  const logName = `daemon-${Date.now()}.log`;
  const logFile = join(dataDir, logName);
  const mode = opts.mode ?? 'root';
  const { child, kill } = launch(mode, dataDir, logName, [...(opts.args ?? [])], {
    ...process.env,
    ...opts.env,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = waitExit(child);

  const handle: DaemonHandle = {
    dataDir,
    logFile,
    pid: child.pid ?? -1,
    logs: () => readLogs(logFile),
    stop: async () => {
      child.kill('SIGTERM');
      return exit;
    },
    kill: async () => {
      await kill();
      await exit;
    },
    exited: () => exit,
  };
  if (opts.waitReady === false) return handle;

  await waitFor(
    'the daemon to finish its first pass',
    async () => {
      if (child.exitCode !== null) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        throw new Error(`daemon exited ${child.exitCode}: ${stderr} ${log}`);
      }
      return Promise.resolve(handle.logs().some((l) => l.msg === 'ready'));
    },
    { timeoutMs: 30_000 },
  );
  return handle;
}

/** Builds the daemon's image with packaging/build-local-image.sh (cached layers when unchanged). */
export function buildDaemonImage(): Promise<void> {
  const script = new URL('../../packaging/build-local-image.sh', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [script, DAEMON_IMAGE],
      { timeout: 900_000, maxBuffer: 64 << 20 },
      (err, _o, stderr) => {
        if (err === null) resolve();
        else reject(new Error(`building ${DAEMON_IMAGE} failed: ${stderr}`, { cause: err }));
      },
    );
  });
}

export interface StatusEntry {
  readonly id: string;
  readonly name: string;
  readonly status: 'enforced' | 'quarantined' | 'unfilterable';
  readonly addresses: number;
  readonly rules: number;
  readonly reasons: readonly {
    code: string;
    message: string;
    label?: string;
    path?: string;
    line?: number;
    column?: number;
  }[];
}

/** `whalewall status --json` for a data directory. */
export function readStatus(dataDir: string): Promise<StatusEntry[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [MAIN, 'status', '--json', '-d', dataDir],
      { timeout: 20_000 },
      (err, stdout, stderr) => {
        if (err !== null) {
          reject(new Error(`whalewall status failed: ${stderr}`, { cause: err }));
          return;
        }
        resolve((JSON.parse(stdout) as { containers: StatusEntry[] }).containers);
      },
    );
  });
}

/** Waits until status shows `name` with the given status (and, optionally, address count). */
export function waitForStatus(
  dataDir: string,
  name: string,
  status: StatusEntry['status'],
  opts: { addresses?: number; timeoutMs?: number } = {},
): Promise<StatusEntry> {
  return waitFor(
    `${name} to be ${status}`,
    async () => {
      const entry = (await readStatus(dataDir)).find((e) => e.name === name);
      if (entry?.status !== status) return undefined;
      if (opts.addresses !== undefined && entry.addresses !== opts.addresses) return undefined;
      return entry;
    },
    { timeoutMs: opts.timeoutMs ?? 20_000, intervalMs: 100 },
  );
}

/** Waits until status no longer lists `name`. */
export function waitForRelease(dataDir: string, name: string, timeoutMs = 20_000): Promise<true> {
  return waitFor(
    `${name} to be released`,
    async () => !(await readStatus(dataDir)).some((e) => e.name === name),
    { timeoutMs, intervalMs: 100 },
  );
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
