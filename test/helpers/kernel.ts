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

/** Map elements as `address -> chain`, both families. */
export function mapElements(): Map<string, string> {
  const out = new Map<string, string>();
  const text = whalewallTable() ?? '';
  for (const m of text.matchAll(/([0-9a-f.:]+) : jump (whalewall-[^\s,}]+)/g)) {
    out.set(m[1] ?? '', m[2] ?? '');
  }
  return out;
}

/** Docker's own tables, to prove whalewall leaves them alone. */
export function dockerTables(): string {
  const tables = ['ip nat', 'ip filter', 'ip6 nat', 'ip6 filter'];
  return tables
    .map((t) => {
      try {
        return nft(['list', 'table', ...t.split(' ')]).replace(/packets \d+ bytes \d+/g, '');
      } catch {
        return `(no ${t})`;
      }
    })
    .join('\n');
}
