/** Reads whalewall's table from the host's kernel with the `nft` tool, as an operator would. */
import { execFileSync } from 'node:child_process';

export function nft(args: readonly string[]): string {
  return execFileSync('nft', args, {
    encoding: 'utf8',
    timeout: 10_000,
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** Text of `table inet whalewall`, or undefined when the table does not exist. */
export function whalewallTable(): string | undefined {
  try {
    return nft(['list', 'table', 'inet', 'whalewall']);
  } catch {
    return undefined;
  }
}

/** Names of the per-container chains in the kernel. */
export function containerChains(): string[] {
  const text = whalewallTable() ?? '';
  return [...text.matchAll(/^\s*chain (whalewall-\S+) \{/gm)].map((m) => m[1] ?? '');
}
