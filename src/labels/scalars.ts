/**
 * Readers for the single-valued fields of a rule: booleans, strings, queue numbers and the
 * protocol. Each returns undefined when the field is not written, INVALID after reporting a
 * problem, or the value.
 */
import { isScalar, type Node } from 'yaml';
import type { Proto } from './model.ts';
import { parseBoolText } from './bool-text.ts';
import { report, spanOf, type ReadContext } from './problem.ts';
import { describeNode, isNullNode, scalarText, type MapField } from './yaml-nodes.ts';

export const INVALID = Symbol('invalid');
export type Read<T> = T | undefined | typeof INVALID;

/** The value of a read that is known to have succeeded or been absent. */
export function valid<T>(
  read: T | undefined | typeof INVALID,
): Exclude<T, typeof INVALID> | undefined {
  return read === INVALID ? undefined : (read as Exclude<T, typeof INVALID> | undefined);
}

type DefinedOnly<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** A copy without the undefined fields, as `exactOptionalPropertyTypes` wants optional ones. */
export function definedOnly<T extends object>(fields: T): DefinedOnly<T> {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  return Object.fromEntries(entries) as DefinedOnly<T>;
}

export const PROTOCOLS: readonly Proto[] = ['tcp', 'udp', 'icmp', 'icmpv6'];

export function readBool(ctx: ReadContext, field: MapField | undefined): Read<boolean> {
  if (field === undefined || isNullNode(field.value)) return undefined;
  const node = field.value;
  const value =
    isScalar(node) && node.type === 'PLAIN' ? parseBoolText(scalarText(node)) : undefined;
  if (value !== undefined) return value;
  const hint = isScalar(node) && node.type !== 'PLAIN' ? ' (without quotes)' : '';
  const message = `"${field.path}" must be true or false${hint}, got ${describeNode(node)}`;
  report(ctx, { code: 'ERR_LABEL_TYPE', path: field.path, at: spanOf(node), message });
  return INVALID;
}

/** Any scalar, as written. An empty string counts as not written, as in the original. */
export function readString(ctx: ReadContext, field: MapField | undefined): Read<string> {
  if (field === undefined || isNullNode(field.value)) return undefined;
  const node = field.value;
  if (!isScalar(node)) {
    const message = `"${field.path}" must be a string, got ${describeNode(node)}`;
    report(ctx, { code: 'ERR_LABEL_TYPE', path: field.path, at: spanOf(node), message });
    return INVALID;
  }
  const text = scalarText(node);
  if (text === '') return undefined;
  ctx.spans.set(field.path, spanOf(node));
  if (!hasControlCharacter(text)) return text;
  const message = `"${field.path}" must not contain control characters such as line breaks, got ${JSON.stringify(text)}`;
  report(ctx, { code: 'ERR_LABEL_VALUE', path: field.path, at: spanOf(node), message });
  return INVALID;
}

export function hasControlCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** An nfqueue number, 0-65535; 0 means "not set", as in the original. */
export function readQueue(ctx: ReadContext, field: MapField | undefined): Read<number> {
  if (field === undefined || isNullNode(field.value)) return undefined;
  const node = field.value;
  const at = spanOf(node);
  const value: unknown = isScalar(node) ? node.value : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    const message = `"${field.path}" must be a whole number 0-65535 (0 means not set), got ${describeNode(node)}`;
    report(ctx, { code: 'ERR_LABEL_TYPE', path: field.path, at, message });
    return INVALID;
  }
  if (value < 0 || value > 65535) {
    const message = `queue number ${String(value)} is outside 0-65535: nfqueue numbers are 16-bit, and 0 means not set`;
    report(ctx, { code: 'ERR_LABEL_VALUE', path: field.path, at, message });
    return INVALID;
  }
  return value === 0 ? undefined : value;
}

export function readProto(ctx: ReadContext, field: MapField | undefined): Read<Proto> {
  if (field === undefined || isNullNode(field.value)) return undefined;
  const node: Node | null = field.value;
  const text = isScalar(node) ? scalarText(node) : undefined;
  const proto = PROTOCOLS.find((p) => p === text);
  if (proto !== undefined) return proto;
  const got = text === undefined ? describeNode(node) : JSON.stringify(text);
  const message = `protocol ${got} is not supported; use one of ${PROTOCOLS.join(', ')} (lower case)`;
  report(ctx, {
    code: isScalar(node) ? 'ERR_LABEL_VALUE' : 'ERR_LABEL_TYPE',
    path: field.path,
    at: spanOf(node),
    message,
  });
  return INVALID;
}
