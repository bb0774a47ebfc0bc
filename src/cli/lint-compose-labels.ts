/**
 * Finds the labels of every service in a compose file, following anchors, aliases and merge
 * keys, with labels written as a map or as a `- "key=value"` list. Each label keeps the scalar
 * node it was written in, so positions can be mapped back into the file.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Scalar } from 'yaml';

export interface LabelEntry {
  readonly service: string;
  readonly name: string;
  /** The label's value as Docker will see it. */
  readonly text: string;
  /** Where it was written: `text` starts at index `start` of the node's decoded string. */
  readonly node: Scalar;
  readonly decoded: string;
  readonly start: number;
}

export interface ComposeEntry {
  readonly key: Node;
  readonly value: Node | null;
}

const MERGE_DEPTH_LIMIT = 16;

export function resolve(doc: Document, node: unknown): Node | null {
  if (isAlias(node)) return node.resolve(doc) ?? null;
  return isScalar(node) || isMap(node) || isSeq(node) ? node : null;
}

/** A map's entries by key, with `<<` merges applied: own keys win, then earlier merge sources. */
export function entriesOf(doc: Document, node: Node | null, depth = 0): Map<string, ComposeEntry> {
  const entries = new Map<string, ComposeEntry>();
  if (!isMap(node) || depth > MERGE_DEPTH_LIMIT) return entries;
  const merged: Map<string, ComposeEntry>[] = [];
  for (const pair of node.items) {
    const key = resolve(doc, pair.key);
    if (!isScalar(key)) continue;
    if (isMergeKey(key)) merged.push(...mergeSources(doc, resolve(doc, pair.value), depth));
    else if (key.range) entries.set(String(key.value), { key, value: resolve(doc, pair.value) });
  }
  for (const source of merged) {
    for (const [name, entry] of source) if (!entries.has(name)) entries.set(name, entry);
  }
  return entries;
}

function isMergeKey(key: Scalar): boolean {
  return typeof key.value === 'symbol' || (key.type === 'PLAIN' && key.value === '<<');
}

function mergeSources(
  doc: Document,
  value: Node | null,
  depth: number,
): Map<string, ComposeEntry>[] {
  if (isSeq(value)) return value.items.map((item) => entriesOf(doc, resolve(doc, item), depth + 1));
  return [entriesOf(doc, value, depth + 1)];
}

export interface LabelShapeProblem {
  readonly service: string;
  readonly node: Node;
  readonly message: string;
}

/** The whalewall labels of one service, and label values that are not strings. */
export function serviceLabels(
  doc: Document,
  service: string,
  labels: Node | null,
): { entries: LabelEntry[]; problems: LabelShapeProblem[] } {
  const entries: LabelEntry[] = [];
  const problems: LabelShapeProblem[] = [];
  if (isSeq(labels)) {
    for (const item of labels.items) {
      const node = resolve(doc, item);
      if (isScalar(node) && typeof node.value === 'string')
        entries.push(listEntry(service, node, node.value));
    }
  } else {
    for (const [name, entry] of entriesOf(doc, labels)) {
      if (!name.startsWith('whalewall.')) continue;
      if (isScalar(entry.value)) entries.push(mapEntry(service, name, entry.value));
      else
        problems.push({
          service,
          node: entry.value ?? entry.key,
          message: `label ${JSON.stringify(name)} must be a string; write a block scalar ("|") for YAML rules`,
        });
    }
  }
  return { entries: entries.filter((entry) => entry.name.startsWith('whalewall.')), problems };
}

function listEntry(service: string, node: Scalar, decoded: string): LabelEntry {
  const equals = decoded.indexOf('=');
  const name = equals === -1 ? decoded : decoded.slice(0, equals);
  const start = equals === -1 ? decoded.length : equals + 1;
  return { service, name, text: decoded.slice(start), node, decoded, start };
}

/** Compose turns plain `true` or `8080` into the string Docker receives, as written. */
function mapEntry(service: string, name: string, node: Scalar): LabelEntry {
  const value: unknown = node.value;
  const decoded =
    value === null
      ? ''
      : typeof value === 'string'
        ? value
        : (node.source ?? JSON.stringify(value));
  return { service, name, text: decoded, node, decoded, start: 0 };
}
