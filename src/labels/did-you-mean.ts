/**
 * Suggestions for mistyped keys: known renames first (the single `ip`/`port` keys of whalewall
 * 0.2), then the closest known key by edit distance.
 */

const RENAMES: Readonly<Record<string, string>> = {
  ip: 'ips',
  addr: 'ips',
  addrs: 'ips',
  address: 'ips',
  addresses: 'ips',
  port: 'dst_ports',
  ports: 'dst_ports',
  dst_port: 'dst_ports',
  dport: 'dst_ports',
  src_port: 'src_ports',
  sport: 'src_ports',
  protocol: 'proto',
  log: 'log_prefix',
  prefix: 'log_prefix',
  net: 'network',
  networks: 'network',
  containers: 'container',
  outputs: 'output',
  mapped_port: 'mapped_ports',
};

/** The known key the user most likely meant, or undefined when nothing is close. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const renamed = RENAMES[key.toLowerCase()];
  if (renamed !== undefined && known.includes(renamed)) return renamed;

  const lowered = key.toLowerCase().replaceAll('-', '_');
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = lowered === candidate ? 0 : editDistance(lowered, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Math.abs(a.length - b.length);
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;

  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        at(rows, i - 1, j) + 1,
        at(rows, i, j - 1) + 1,
        at(rows, i - 1, j - 1) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(rows, i - 2, j - 2) + 1);
      }
      (rows[i] as number[])[j] = value;
    }
  }
  return at(rows, a.length, b.length);
}

function at(rows: readonly (readonly number[])[], i: number, j: number): number {
  return rows[i]?.[j] ?? Number.MAX_SAFE_INTEGER;
}
