/**
 * Replaces the running program with a fresh copy of itself (same PID, argv, Node flags and
 * environment plus a marker). The new image starts with one thread, inside whatever landlock
 * domain and seccomp filters the old one had, so every thread it ever creates is covered.
 */
import { WhalewallError } from '../errors.ts';
import { errnoName, execve, keepAcrossExec } from './libc.ts';

/** Set in the environment of the re-executed program; holds the notes of stage 1 as JSON. */
export const CONFINED_MARKER = 'WHALEWALL_SANDBOX_CONFINED';

function environmentWith(marker: string): string[] {
  const entries = Object.entries(process.env).filter(([key]) => key !== CONFINED_MARKER);
  const lines = entries.flatMap(([key, value]) => (value === undefined ? [] : [`${key}=${value}`]));
  return [...lines, `${CONFINED_MARKER}=${marker}`];
}

/** Never returns: either the program starts again, or this throws. */
export function reexecConfined(notes: readonly string[]): never {
  // Node marks 0-2 close-on-exec at start; without this the new image would print nothing.
  for (const fd of [0, 1, 2]) keepAcrossExec(fd);

  // execArgv keeps Node's own flags (a loader, --test, ...), so a .ts entry still runs.
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const errno = execve(process.execPath, argv, environmentWith(JSON.stringify(notes)));
  throw new WhalewallError(
    'ERR_SANDBOX',
    `re-executing ${process.execPath} inside the sandbox failed with ${errnoName(errno)}`,
  );
}

/** The notes handed over by stage 1, or undefined when this image was not re-executed. */
export function confinedNotes(env: NodeJS.ProcessEnv): readonly string[] | undefined {
  const marker = env[CONFINED_MARKER];
  if (marker === undefined) return undefined;
  const parsed: unknown = JSON.parse(marker);
  return Array.isArray(parsed) ? parsed.map(String) : [];
}
