/** Reads the fields of /proc/<pid>/status that tell how confined a process or thread is. */
import { readFileSync } from 'node:fs';

export interface ConfinementStatus {
  readonly noNewPrivs: boolean;
  /** 0 none, 1 strict, 2 filter. */
  readonly seccompMode: number;
  readonly effectiveCapabilities: bigint;
}

function field(text: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(text);
  return match?.[1];
}

/** Parses the text of a status file. */
export function parseConfinementStatus(text: string): ConfinementStatus {
  return {
    noNewPrivs: field(text, 'NoNewPrivs') === '1',
    seccompMode: Number(field(text, 'Seccomp') ?? '0'),
    effectiveCapabilities: BigInt(`0x${field(text, 'CapEff') ?? '0'}`),
  };
}

export function readConfinementStatus(path = '/proc/self/status'): ConfinementStatus {
  return parseConfinementStatus(readFileSync(path, 'utf8'));
}
