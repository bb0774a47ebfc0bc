/**
 * Runs the real whalewall daemon as a child process for end-to-end tests, and reads what it
 * reports (its JSON log lines and `whalewall status --json`). Every wait polls with a deadline.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
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

export async function startDaemon(opts: StartOptions = {}): Promise<DaemonHandle> {
  const dataDir = opts.dataDir ?? newDataDir();
  const logFile = join(dataDir, `daemon-${Date.now()}.log`);
  const args = [MAIN, 'run', '-d', dataDir, '-l', logFile, '--debug', ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = waitExit(child);
  const pid = child.pid ?? -1;

  const handle: DaemonHandle = {
    dataDir,
    logFile,
    pid,
    logs: () => readLogs(logFile),
    stop: async () => {
      child.kill('SIGTERM');
      return exit;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exit;
    },
    exited: () => exit,
  };
  if (opts.waitReady === false) return handle;

  await waitFor(
    'the daemon to finish its first pass',
    async () => {
      if (child.exitCode !== null) {
        throw new Error(
          `daemon exited ${child.exitCode}: ${stderr} ${readFileSync(logFile, 'utf8')}`,
        );
      }
      return Promise.resolve(handle.logs().some((l) => l.msg === 'ready'));
    },
    { timeoutMs: 30_000 },
  );
  return handle;
}

export interface StatusEntry {
  readonly id: string;
  readonly name: string;
  readonly status: 'enforced' | 'quarantined' | 'unfilterable';
  readonly addresses: number;
  readonly rules: number;
  readonly reasons: readonly { code: string; message: string; path?: string; line?: number }[];
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
