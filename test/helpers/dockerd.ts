/**
 * Restarts the test machine's dockerd, but only the one test/setup/host.sh started: that script
 * records its PID in DOCKERD_PIDFILE. A dockerd started any other way belongs to someone else
 * and is never touched; `ownedDockerd` then says why, and the caller skips.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { docker, waitFor } from './docker.ts';

export const DOCKERD_PIDFILE = '/tmp/whalewall-test-dockerd.pid';
const DOCKERD_LOG = '/tmp/whalewall-test-dockerd.log';
const DOCKERD_OWN_PIDFILE = '/var/run/docker.pid';
const DOCKERD_DEADLINE_MS = 60_000;

export interface OwnedDockerd {
  readonly pid: number;
  /** The command line it was started with, to start it again the same way. */
  readonly argv: readonly string[];
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function commandLine(pid: number): string[] | undefined {
  const file = `/proc/${pid}/cmdline`;
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .split('\0')
    .filter((arg) => arg !== '');
}

/** The dockerd host.sh started and that serves Docker now, or why there is none. */
export function ownedDockerd(): OwnedDockerd | string {
  const pid = readPid(DOCKERD_PIDFILE);
  if (pid === undefined) return `${DOCKERD_PIDFILE} is missing: host.sh did not start dockerd`;
  const argv = commandLine(pid);
  if (argv?.[0]?.endsWith('dockerd') !== true) {
    return `PID ${pid} of ${DOCKERD_PIDFILE} is not a running dockerd`;
  }
  if (readPid(DOCKERD_OWN_PIDFILE) !== pid) {
    return `the dockerd serving Docker is not PID ${pid}, the one host.sh started`;
  }
  return { pid, argv };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return commandLine(pid) !== undefined;
  } catch {
    return false;
  }
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await docker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** Starts dockerd detached, as host.sh does, and records its PID where host.sh keeps it. */
function launch(argv: readonly string[]): number {
  const log = openSync(DOCKERD_LOG, 'a');
  const [command = 'dockerd', ...args] = argv;
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
  writeFileSync(DOCKERD_PIDFILE, `${child.pid}\n`);
  return child.pid;
}

/** SIGTERM, wait for the exit, start again with the same command line, wait for the API. */
export async function restartDockerd(owned: OwnedDockerd): Promise<OwnedDockerd> {
  process.kill(owned.pid, 'SIGTERM');
  await waitFor('dockerd to exit', () => !isAlive(owned.pid), {
    timeoutMs: DOCKERD_DEADLINE_MS,
    intervalMs: 100,
  });
  const pid = launch(owned.argv);
  await waitFor('dockerd to answer again', dockerAnswers, {
    timeoutMs: DOCKERD_DEADLINE_MS,
    intervalMs: 250,
  });
  return { pid, argv: owned.argv };
}

/**
 * For `after` hooks: if a restart failed half way and the engine is down, start the owned
 * dockerd again so that later tests find one.
 */
export async function ensureDockerdRunning(owned: OwnedDockerd): Promise<void> {
  if (await dockerAnswers()) return;
  const pid = readPid(DOCKERD_PIDFILE);
  if (pid === undefined || !isAlive(pid)) launch(owned.argv);
  await waitFor('dockerd to answer', dockerAnswers, {
    timeoutMs: DOCKERD_DEADLINE_MS,
    intervalMs: 250,
  });
}
