/** Waiting on what a running daemon logs, and swapping one daemon for a fresh one in a test. */
import { waitFor } from './docker.ts';
import type { DaemonHandle, LogLine } from './daemon.ts';

/** Resolves to the first log line that `match` accepts, polling the log file until a deadline. */
export function waitForLog(
  daemon: DaemonHandle,
  what: string,
  match: (line: LogLine) => boolean,
  timeoutMs = 20_000,
): Promise<LogLine> {
  return waitFor(what, () => daemon.logs().find(match), { timeoutMs, intervalMs: 25 });
}

/** Log lines that name one of `names` as `container.name`. */
export function linesAbout(daemon: DaemonHandle, names: readonly string[]): LogLine[] {
  return daemon.logs().filter((l) => names.includes(String(l['container.name'])));
}

/** Stops a daemon that may already have exited or been killed; never throws. */
export async function stopQuietly(daemon: DaemonHandle | undefined): Promise<void> {
  if (daemon === undefined) return;
  try {
    await Promise.race([daemon.stop(), new Promise((r) => setTimeout(r, 15_000).unref())]);
  } catch {
    // Already gone: nothing to stop.
  }
  await daemon.kill().catch(() => undefined);
}
