/**
 * Maps positions inside a decoded YAML scalar back to the file it was written in, so problems
 * found in a label point at the compose file's own line and column.
 *
 * The decoded text is aligned with the scalar's source, unit by unit: a source unit is one
 * character, or one escape sequence of a double-quoted scalar. Characters that decoding adds
 * (folded line breaks, a block's stripped indentation) simply skip ahead; tokens, which is what
 * problems point at, always land on their own source characters.
 */
import type { Scalar } from 'yaml';

interface SourceUnit {
  readonly text: string;
  readonly offset: number;
  /** Source characters the unit spans: 2 for `\n` or `''`, 1 for a plain character. */
  readonly width: number;
}

/** For every index of a decoded string: where its source starts and where it ends. */
export interface ScalarOffsets {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** Source start and end for every index of `decoded`; unmatched characters take the last match. */
export function mapScalarOffsets(node: Scalar, source: string, decoded: string): ScalarOffsets {
  const [start, end] = node.range ?? [0, 0];
  const units = sourceUnits(node.type, source, start, end);
  const starts: number[] = [];
  const ends: number[] = [];
  let next = 0;
  let last: SourceUnit = { text: '', offset: start, width: 1 };
  for (let i = 0; i < decoded.length;) {
    const found = findUnit(units, next, decoded, i);
    const unit = found === -1 ? undefined : units[found];
    if (unit !== undefined) {
      last = unit;
      next = found + 1;
    }
    const count = unit === undefined ? 1 : unit.text.length;
    for (let k = 0; k < count; k++) {
      starts.push(last.offset);
      ends.push(last.offset + last.width);
    }
    i += count;
  }
  return { starts, ends };
}

function findUnit(units: readonly SourceUnit[], from: number, decoded: string, at: number): number {
  for (let u = from; u < units.length; u++) {
    const text = units[u]?.text ?? '';
    if (text !== '' && decoded.startsWith(text, at)) return u;
  }
  return -1;
}

function sourceUnits(
  type: Scalar['type'],
  source: string,
  start: number,
  end: number,
): SourceUnit[] {
  const raw = source.slice(start, end);
  switch (type) {
    case 'QUOTE_DOUBLE':
      return doubleQuotedUnits(raw.slice(1), start + 1);
    case 'QUOTE_SINGLE':
      return singleQuotedUnits(raw.slice(1), start + 1);
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      const body = raw.indexOf('\n') + 1;
      return characterUnits(raw.slice(body), start + body);
    }
    case 'PLAIN':
    case undefined:
      return characterUnits(raw, start);
  }
}

function characterUnits(raw: string, base: number): SourceUnit[] {
  const units: SourceUnit[] = [];
  let offset = base;
  for (const text of raw) {
    units.push({ text, offset, width: text.length });
    offset += text.length;
  }
  return units;
}

/** In a single-quoted scalar `''` stands for one quote. */
function singleQuotedUnits(raw: string, base: number): SourceUnit[] {
  const units: SourceUnit[] = [];
  for (const unit of characterUnits(raw, base)) {
    const previous = units.at(-1);
    const isPair = unit.text === "'" && previous?.text === "'" && previous.width === 1;
    if (isPair) units[units.length - 1] = { text: "'", offset: previous.offset, width: 2 };
    else units.push(unit);
  }
  return units;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

function doubleQuotedUnits(raw: string, base: number): SourceUnit[] {
  const units: SourceUnit[] = [];
  for (let i = 0; i < raw.length;) {
    const char = raw[i] ?? '';
    const next = raw[i + 1] ?? '';
    if (char !== '\\') {
      units.push({ text: char, offset: base + i, width: 1 });
      i++;
    } else if (SIMPLE_ESCAPES[next] !== undefined) {
      units.push({ text: SIMPLE_ESCAPES[next], offset: base + i, width: 2 });
      i += 2;
    } else if (HEX_ESCAPES[next] !== undefined) {
      const digits = HEX_ESCAPES[next];
      const code = parseInt(raw.slice(i + 2, i + 2 + digits), 16);
      const text = Number.isNaN(code) || code > 0x10ffff ? '' : String.fromCodePoint(code);
      units.push({ text, offset: base + i, width: 2 + digits });
      i += 2 + digits;
    } else {
      i += 2;
    }
  }
  return units;
}
