/**
 * `whalewall.enabled`: the accepted spellings of true and false (see bool-text.ts), with
 * surrounding whitespace ignored. An empty value, `null` and `~` mean false, as they did in the
 * original. Anything else is a problem, which the daemon answers by denying the container
 * everything (fail closed) rather than leaving it unfiltered.
 */
import { parseBoolText } from './bool-text.ts';
import { locateSpan, type LabelProblem } from './problem.ts';

const NULL_SPELLINGS = ['', '~', 'null', 'Null', 'NULL'];

export type EnabledParse =
  | { readonly ok: true; readonly enabled: boolean }
  | { readonly ok: false; readonly problem: LabelProblem };

export function parseEnabledLabel(text: string): EnabledParse {
  const trimmed = text.trim();
  if (NULL_SPELLINGS.includes(trimmed)) return { ok: true, enabled: false };
  const enabled = parseBoolText(trimmed);
  if (enabled !== undefined) return { ok: true, enabled };

  const at = { offset: text.length - text.trimStart().length, length: trimmed.length };
  const message =
    `whalewall.enabled must be true or false, got ${JSON.stringify(text)}; write true, yes, on or y ` +
    `for true and false, no, off or n for false (also Capitalised or UPPER CASE)`;
  return {
    ok: false,
    problem: {
      code: 'ERR_LABEL_ENABLED',
      severity: 'error',
      label: 'whalewall.enabled',
      path: '',
      ...locateSpan(text, at),
      message,
    },
  };
}
