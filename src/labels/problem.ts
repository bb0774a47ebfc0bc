/**
 * Label problems as data: a code, the YAML path, and a position inside the label text. Every
 * reader reports into one `ReadContext`, so a single pass collects all problems of a label.
 */
import type { Document, LineCounter, Node } from 'yaml';
import type { ErrorCode } from '../errors.ts';

export type LabelName = 'whalewall.enabled' | 'whalewall.rules';

export interface LabelProblem {
  readonly code: ErrorCode;
  readonly severity: 'error' | 'warning';
  readonly label: LabelName;
  /** YAML path like `output[1].dst_ports[0]`; '' for the whole label. */
  readonly path: string;
  /** 1-based line inside the label text. */
  readonly line: number;
  /** 1-based column inside the label text. */
  readonly column: number;
  /** Characters to underline, at least 1, never past the end of the line. */
  readonly length: number;
  /** States the broken rule, quotes the user's value, says what is allowed. */
  readonly message: string;
}

/** A stretch of the label text: offset from its start and length in UTF-16 code units. */
export interface Span {
  readonly offset: number;
  readonly length: number;
}

export interface ReadContext {
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly text: string;
  readonly problems: LabelProblem[];
  /** Where each string value was written, by path; `whalewall lint` points its warnings here. */
  readonly spans: Map<string, Span>;
}

/** The span of a node's value (not its trailing comment), or the label's start when unknown. */
export function spanOf(node: Node | null | undefined): Span {
  const range = node?.range;
  if (!range) return { offset: 0, length: 1 };
  return { offset: range[0], length: Math.max(1, range[1] - range[0]) };
}

/** Turns an offset span into line, column and an underline that stays on the first line. */
export function locateSpan(
  text: string,
  span: Span,
): Pick<LabelProblem, 'line' | 'column' | 'length'> {
  const offset = Math.min(Math.max(0, span.offset), text.length);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = countNewlines(text, lineStart) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const room = (lineEnd === -1 ? text.length : lineEnd) - offset;
  return { line, column: offset - lineStart + 1, length: Math.max(1, Math.min(span.length, room)) };
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

export interface ProblemReport {
  readonly code: ErrorCode;
  readonly path: string;
  readonly at: Span;
  readonly message: string;
}

export function report(ctx: ReadContext, problem: ProblemReport): void {
  ctx.problems.push({
    code: problem.code,
    severity: 'error',
    label: 'whalewall.rules',
    path: problem.path,
    ...locateSpan(ctx.text, problem.at),
    message: problem.message,
  });
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}
