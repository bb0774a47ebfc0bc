/**
 * IPv4 and IPv6 addresses as numbers, and back to canonical text (dotted quad; RFC 5952 for
 * IPv6). Strict like Go's netip: no leading zeros in IPv4 octets, no zones.
 */

export type Family = 'v4' | 'v6';

export interface IpAddress {
  readonly family: Family;
  readonly value: bigint;
}

const MAPPED_PREFIX = 0xffffn << 32n;

export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 'v6', value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 'v4', value };
}

/** `::ffff:a.b.c.d` is an IPv4 address in IPv6 clothing; whalewall treats it as `a.b.c.d`. */
export function isIPv4Mapped(address: IpAddress): boolean {
  return address.family === 'v6' && address.value >> 32n === 0xffffn;
}

export function unmapIPv4(address: IpAddress): IpAddress {
  return isIPv4Mapped(address) ? { family: 'v4', value: address.value - MAPPED_PREFIX } : address;
}

export function bitsOf(family: Family): number {
  return family === 'v4' ? 32 : 128;
}

export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/u.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

export function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
  return groups.reduce((sum, group) => (sum << 16n) | BigInt(group), 0n);
}

/** 16-bit groups of one side of `::`; an IPv4 tail is allowed only at the very end. */
function groupsOf(text: string, mayEndInIPv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (mayEndInIPv4 && index === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (/^[0-9a-fA-F]{1,4}$/u.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

export function formatIp(family: Family, value: bigint): string {
  return family === 'v4' ? formatIPv4(value) : formatIPv6(value);
}

function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** RFC 5952: lower-case hex, no leading zeros, the first longest run of 2+ zero groups as `::`. */
function formatIPv6(value: bigint): string {
  const groups = [...Array(8).keys()].map((i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  const run = longestZeroRun(groups);
  const hex = groups.map((group) => group.toString(16));
  if (run.length < 2) return hex.join(':');
  const head = hex.slice(0, run.start).join(':');
  const tail = hex.slice(run.start + run.length).join(':');
  return `${head}::${tail}`;
}

function longestZeroRun(groups: readonly number[]): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let start = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (groups[i] === 0) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      if (i - start > best.length) best = { start, length: i - start };
      start = -1;
    }
  }
  return best;
}
