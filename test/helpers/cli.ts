/** Runs whalewall's own command line (`clear`, `status`) as a user would, bounded in time. */
import { execFile } from 'node:child_process';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runWhalewall(args: readonly string[], timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `whalewall clear -d dataDir`; throws unless it exits 0. */
export async function clearWhalewall(dataDir: string): Promise<CliResult> {
  const result = await runWhalewall(['clear', '-d', dataDir]);
  if (result.code !== 0) {
    throw new Error(`whalewall clear exited ${result.code}: ${result.stderr}`);
  }
  return result;
}
