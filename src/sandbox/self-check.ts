/**
 * A probe of the sandbox from inside the running daemon, for tests only: it tries what the
 * sandbox must refuse (reading a file outside the allowed paths, starting a program) and what it
 * must allow (reading its own files, writing in the data directory), and records each outcome.
 * Enabled by WHALEWALL_SANDBOX_SELFTEST=<report path inside the data directory>.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WhalewallError } from '../errors.ts';
import { errnoName, execve } from './libc.ts';

export const SELF_CHECK_ENV = 'WHALEWALL_SANDBOX_SELFTEST';

/** `ok`, or the error code the attempt failed with (`EACCES`, `EPERM`, ...). */
export type ProbeOutcome = string;

export interface SelfCheckReport {
  readonly pid: number;
  readonly forbiddenRead: {
    readonly path: string;
    readonly sync: ProbeOutcome;
    readonly async: ProbeOutcome;
  };
  readonly allowedRead: {
    readonly path: string;
    readonly sync: ProbeOutcome;
    readonly async: ProbeOutcome;
  };
  readonly allowedWrite: { readonly path: string; readonly outcome: ProbeOutcome };
  /** Starting the Node binary itself, which landlock allows to execute: only seccomp can stop it. */
  readonly spawn: { readonly path: string; readonly outcome: ProbeOutcome };
  /** execve of a path that does not exist: ENOENT if the call were allowed, EPERM if filtered. */
  readonly execve: { readonly path: string; readonly outcome: ProbeOutcome };
}

/** World-readable on every Linux system and outside every path the sandbox allows. */
const FORBIDDEN_FILE = '/etc/passwd';
const MISSING_PROGRAM = '/nonexistent/whalewall-self-check';

function outcomeOf(attempt: () => unknown): ProbeOutcome {
  try {
    attempt();
    return 'ok';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

async function asyncOutcomeOf(attempt: () => Promise<unknown>): Promise<ProbeOutcome> {
  return attempt().then(
    () => 'ok',
    (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error),
  );
}

function spawnOutcome(program: string): ProbeOutcome {
  const result = spawnSync(program, ['--version'], { stdio: 'ignore', timeout: 5000 });
  return (
    (result.error as NodeJS.ErrnoException | undefined)?.code ?? `ran, status ${result.status}`
  );
}

/** Runs every probe; `dataDir` must be the sandbox's read-write data directory. */
export async function runSelfCheck(dataDir: string): Promise<SelfCheckReport> {
  const scratch = path.join(dataDir, '.sandbox-self-check');
  const execveErrno = execve(MISSING_PROGRAM, [MISSING_PROGRAM], []);
  return {
    pid: process.pid,
    forbiddenRead: {
      path: FORBIDDEN_FILE,
      sync: outcomeOf(() => readFileSync(FORBIDDEN_FILE)),
      async: await asyncOutcomeOf(() => readFile(FORBIDDEN_FILE)),
    },
    allowedRead: {
      path: process.execPath,
      sync: outcomeOf(() => readFileSync(process.execPath).subarray(0, 4)),
      async: await asyncOutcomeOf(() => readFile(process.execPath)),
    },
    allowedWrite: {
      path: scratch,
      outcome: outcomeOf(() => {
        writeFileSync(scratch, 'probe');
        readFileSync(scratch);
        unlinkSync(scratch);
      }),
    },
    spawn: { path: process.execPath, outcome: spawnOutcome(process.execPath) },
    execve: { path: MISSING_PROGRAM, outcome: errnoName(execveErrno) },
  };
}

/**
 * When the test environment asks for it, runs the self-check and writes the report as JSON.
 * The report path must lie inside the data directory: nothing else is writable.
 */
export async function runSelfCheckIfRequested(
  env: Readonly<Record<string, string | undefined>>,
  dataDir: string,
): Promise<SelfCheckReport | undefined> {
  const reportPath = env[SELF_CHECK_ENV];
  if (reportPath === undefined || reportPath === '') return undefined;
  const relative = path.relative(path.resolve(dataDir), path.resolve(reportPath));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new WhalewallError('ERR_SANDBOX', `${SELF_CHECK_ENV} must name a file inside ${dataDir}`);
  }
  const report = await runSelfCheck(dataDir);
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
