/**
 * Small readers over the yaml AST: resolving aliases, naming a node's shape in messages, and
 * reading a map against a list of known keys. Unknown keys are reported with a suggestion.
 */
import { isAlias, isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { suggestKey } from './did-you-mean.ts';
import { childPath, report, spanOf, type ReadContext } from './problem.ts';

/** The node an alias stands for; other nodes as they are. Aliases never chain more than once. */
export function resolveNode(ctx: ReadContext, node: unknown): Node | null {
  if (isAlias(node)) return node.resolve(ctx.doc) ?? null;
  if (isScalar(node) || isMap(node) || isSeq(node)) return node;
  return null;
}

/** True for a missing value, `~` or `null`: the field counts as not written. */
export function isNullNode(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** How a node looks to a user, for "got ..." in messages. */
export function describeNode(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node)) return 'an unsupported value';
  const value: unknown = node.value;
  if (value === null) return 'null';
  if (typeof value === 'number') return `the number ${scalarText(node)}`;
  if (typeof value === 'boolean') return `the boolean ${scalarText(node)}`;
  return `the string ${JSON.stringify(scalarText(node))}`;
}

/**
 * The text a scalar was written as: the source of a plain scalar (so `0x50` stays `0x50`, as
 * Go's yaml.v3 hands it to a text unmarshaler) and the decoded value of a quoted or block one.
 */
export function scalarText(node: Scalar): string {
  if (node.type === 'PLAIN' && typeof node.source === 'string') return node.source;
  const value: unknown = node.value;
  if (typeof value === 'string') return value;
  return node.source ?? String(value);
}

export interface MapField {
  readonly key: Node;
  readonly value: Node | null;
  readonly path: string;
}

export interface MapSpec {
  readonly path: string;
  readonly known: readonly string[];
  /** Extra advice for a key that is known elsewhere but not here. */
  readonly misplaced?: Readonly<Record<string, string>>;
}

/** Reads a map's fields by name; reports unknown and non-scalar keys. */
export function readFields(ctx: ReadContext, map: YAMLMap, spec: MapSpec): Map<string, MapField> {
  const fields = new Map<string, MapField>();
  for (const pair of map.items) {
    const key = resolveNode(ctx, pair.key);
    const name = keyName(key);
    const at = spanOf(key);
    if (name === undefined) {
      report(ctx, { code: 'ERR_LABEL_TYPE', path: spec.path, at, message: badKeyMessage(key) });
      continue;
    }
    if (!spec.known.includes(name)) {
      report(ctx, {
        code: 'ERR_LABEL_UNKNOWN_KEY',
        path: childPath(spec.path, name),
        at,
        message: unknownKeyMessage(name, spec),
      });
      continue;
    }
    fields.set(name, {
      key: key as Node,
      value: resolveNode(ctx, pair.value),
      path: childPath(spec.path, name),
    });
  }
  return fields;
}

function keyName(key: Node | null): string | undefined {
  if (!isScalar(key)) return undefined;
  return scalarText(key);
}

function badKeyMessage(key: Node | null): string {
  return `a key must be a plain name, got ${describeNode(key)}`;
}

function unknownKeyMessage(name: string, spec: MapSpec): string {
  const where = spec.path === '' ? 'at the top level' : `in ${spec.path}`;
  if (name === '<<')
    return 'merge keys ("<<") are not supported inside whalewall.rules; write the fields out';
  const advice = spec.misplaced?.[name];
  if (advice !== undefined) return `unknown key ${JSON.stringify(name)} ${where}: ${advice}`;
  const suggestion = suggestKey(name, spec.known);
  const allowed = `allowed keys are ${spec.known.join(', ')}`;
  if (suggestion === undefined) return `unknown key ${JSON.stringify(name)} ${where}; ${allowed}`;
  return `unknown key ${JSON.stringify(name)} ${where}; did you mean ${JSON.stringify(suggestion)}? (${allowed})`;
}
