/** `whalewall version` (and the original's `-version`). */
import { readFileSync } from 'node:fs';
import type { CliIo } from './io.ts';
import { EXIT } from './io.ts';

/** The package version; the same relative path works from src/cli and from dist/cli. */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const parsed = JSON.parse(text) as { version?: unknown };
  return typeof parsed.version === 'string' ? parsed.version : 'unknown';
}

export function runVersion(io: CliIo): number {
  io.stdout(`whalewall ${packageVersion()}\n`);
  io.stdout(`node ${process.version} ${process.platform}/${process.arch}\n`);
  return EXIT.ok;
}
