/**
 * The list fields `ips`, `src_ports` and `dst_ports`. Every entry is checked, so one pass reports
 * all bad entries, and the good ones are merged into sorted, disjoint inclusive intervals: a list
 * that mixes single values and ranges means their union.
 */
import { isScalar, isSeq, type Node } from 'yaml';
import type { AddrRange, AddrSet, PortRange } from './model.ts';
import { parseAddrText } from './addr-text.ts';
import { formatIp, type Family } from './ip-address.ts';
import { mergeIntervals, type Interval } from './intervals.ts';
import { parsePortText } from './port-text.ts';
import { childPath, report, spanOf, type ReadContext } from './problem.ts';
import { INVALID, type Read } from './scalars.ts';
import { describeNode, isNullNode, resolveNode, scalarText, type MapField } from './yaml-nodes.ts';

/** Entries of a list field as text, with their nodes; an empty list counts as not written. */
function readEntries(
  ctx: ReadContext,
  field: MapField | undefined,
  example: string,
): Read<{ text: string; node: Node; path: string }[]> {
  if (field === undefined || isNullNode(field.value)) return undefined;
  if (!isSeq(field.value)) {
    const message = `"${field.path}" must be a list such as ${example}, got ${describeNode(field.value)}`;
    report(ctx, { code: 'ERR_LABEL_TYPE', path: field.path, at: spanOf(field.value), message });
    return INVALID;
  }
  const entries: { text: string; node: Node; path: string }[] = [];
  let failed = false;
  for (const [index, item] of field.value.items.entries()) {
    const node = resolveNode(ctx, item);
    const path = childPath(field.path, index);
    if (isScalar(node) && node.value !== null) {
      entries.push({ text: scalarText(node), node, path });
      continue;
    }
    failed = true;
    const at = node === null ? spanOf(field.value) : spanOf(node);
    report(ctx, {
      code: 'ERR_LABEL_TYPE',
      path,
      at,
      message: `each entry of "${field.path}" must be a single value such as ${example}, got ${describeNode(node)}`,
    });
  }
  if (failed) return INVALID;
  return entries.length === 0 ? undefined : entries;
}

export function readPortList(ctx: ReadContext, field: MapField | undefined): Read<PortRange[]> {
  const entries = readEntries(ctx, field, '[80, "8000-8080"]');
  if (entries === undefined || entries === INVALID) return entries;
  const intervals: Interval[] = [];
  for (const entry of entries) {
    const parsed = parsePortText(entry.text);
    if (parsed.ok) intervals.push({ from: BigInt(parsed.from), to: BigInt(parsed.to) });
    else
      report(ctx, {
        code: 'ERR_LABEL_VALUE',
        path: entry.path,
        at: spanOf(entry.node),
        message: parsed.message,
      });
  }
  if (intervals.length < entries.length) return INVALID;
  return mergeIntervals(intervals).map((i) => ({ from: Number(i.from), to: Number(i.to) }));
}

export function readAddrList(ctx: ReadContext, field: MapField | undefined): Read<AddrSet> {
  const entries = readEntries(ctx, field, '["10.0.0.0/8", "2001:db8::1"]');
  if (entries === undefined || entries === INVALID) return entries;
  const byFamily: Record<Family, Interval[]> = { v4: [], v6: [] };
  let failed = false;
  for (const entry of entries) {
    const parsed = parseAddrText(entry.text);
    if (parsed.ok) byFamily[parsed.family].push({ from: parsed.from, to: parsed.to });
    else {
      failed = true;
      report(ctx, {
        code: 'ERR_LABEL_VALUE',
        path: entry.path,
        at: spanOf(entry.node),
        message: parsed.message,
      });
    }
  }
  if (failed) return INVALID;
  return { v4: toAddrRanges('v4', byFamily.v4), v6: toAddrRanges('v6', byFamily.v6) };
}

function toAddrRanges(family: Family, intervals: readonly Interval[]): AddrRange[] {
  return mergeIntervals(intervals).map((i) => ({
    from: formatIp(family, i.from),
    to: formatIp(family, i.to),
  }));
}
