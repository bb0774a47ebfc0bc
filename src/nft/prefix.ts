/**
 * nft prints an address range that is exactly a prefix as `addr/len`; read-back turns it into
 * the inclusive range the policy layer planned. IPv6 text is canonical (RFC 5952), as nft prints.
 */
import type { AddrRange } from '../labels/model.ts';

function v4ToBig(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function bigToV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

function v6ToBig(text: string): bigint {
  // A dotted IPv4 tail (`::ffff:10.0.0.1`) is two groups.
  const plain = text.replace(/(\d+\.\d+\.\d+\.\d+)$/u, (v4) => {
    const n = v4ToBig(v4);
    return `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  });
  const [head = '', tail] = plain.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  const groups = tail === undefined ? left : [...left, ...zeros, ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function bigToV6(n: bigint): string {
  const groups = [...Array(8).keys()].map((i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (at least two) of zero groups, the first if tied, becomes `::`.
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { start: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  const head = hex.slice(0, best.start).join(':');
  const tail = hex.slice(best.start + best.len).join(':');
  return `${head}::${tail}`;
}

export function prefixToRange(addr: string, len: number): AddrRange {
  const v6 = addr.includes(':');
  const bits = v6 ? 128n : 32n;
  const start = v6 ? v6ToBig(addr) : v4ToBig(addr);
  const hostMask = (1n << (bits - BigInt(len))) - 1n;
  const end = start | hostMask;
  return v6
    ? { from: bigToV6(start), to: bigToV6(end) }
    : { from: bigToV4(start), to: bigToV4(end) };
}
