/**
 * Renders a label problem like a compiler does: a header, the message, the offending line of
 * the source and a caret under the value.
 */
import type { LabelProblem } from './problem.ts';

type Located = Pick<LabelProblem, 'line' | 'column' | 'length' | 'message'>;

export function renderProblem(problem: Located, source: string, header: string): string {
  const lineText = (source.split('\n')[problem.line - 1] ?? '').replace(/\r$/u, '');
  const number = String(problem.line);
  const gutter = ' '.repeat(number.length);
  const before = lineText.slice(0, problem.column - 1).replace(/[^\t]/gu, ' ');
  const room = Math.max(1, lineText.length - problem.column + 1);
  const carets = '^'.repeat(Math.max(1, Math.min(problem.length, room)));
  return [
    `${header}:`,
    `  ${problem.message}`,
    ` ${number} | ${lineText}`,
    ` ${gutter} | ${before}${carets}`,
    '',
  ].join('\n');
}
