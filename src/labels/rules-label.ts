/**
 * Parses and validates the `whalewall.rules` label in one pass.
 *
 * Validation is hand-written over the yaml AST rather than run by a schema library on `toJS()`
 * output: every reader holds the node it checks, so each problem points at the exact key or
 * value, cross-field rules are checked even while other fields are broken (schema `check`
 * steps are skipped then), and the typed-bool spellings of the original can be read from the
 * source text. Nothing here throws on any input; problems are returned as data.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { DENY_ALL, type OutputRule, type RulesConfig } from './model.ts';
import { readMappedPorts } from './mapped-ports.ts';
import { readOutputRule } from './output-rule.ts';
import {
  childPath,
  locateSpan,
  report,
  spanOf,
  type LabelProblem,
  type ReadContext,
  type Span,
} from './problem.ts';
import { describeNode, isNullNode, readFields, resolveNode, type MapField } from './yaml-nodes.ts';

const TOP_KEYS = ['mapped_ports', 'output'] as const;

export interface RulesAnalysis {
  /** The normalised rules, present exactly when there are no problems. */
  readonly rules: RulesConfig | undefined;
  readonly problems: readonly LabelProblem[];
  /** Where string values were written, by YAML path (e.g. `output[0].container`). */
  readonly spans: ReadonlyMap<string, Span>;
}

export function analyseRulesLabel(text: string): RulesAnalysis {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const ctx: ReadContext = { doc, lines, text, problems: [], spans: new Map() };
  if (doc.errors.length > 0) {
    ctx.problems.push(...doc.errors.map((error) => syntaxProblem(text, error)));
    return { rules: undefined, problems: ctx.problems, spans: ctx.spans };
  }
  const rules = readTop(ctx, doc);
  return {
    rules: ctx.problems.length === 0 ? rules : undefined,
    problems: ctx.problems,
    spans: ctx.spans,
  };
}

function syntaxProblem(text: string, error: YAMLError): LabelProblem {
  const [start, end] = error.pos;
  const message = `YAML syntax: ${lowerFirst(error.message)} (${error.code})`;
  return {
    code: 'ERR_LABEL_SYNTAX',
    severity: 'error',
    label: 'whalewall.rules',
    path: '',
    ...locateSpan(text, { offset: start, length: end - start }),
    message,
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function readTop(ctx: ReadContext, doc: Document): RulesConfig | undefined {
  const root = resolveNode(ctx, doc.contents);
  if (isNullNode(root)) return DENY_ALL;
  if (!isMap(root)) {
    const message = `whalewall.rules must be a map with mapped_ports and/or output, got ${describeNode(root)}`;
    report(ctx, { code: 'ERR_LABEL_TYPE', path: '', at: spanOf(root), message });
    return undefined;
  }
  const fields = readFields(ctx, root, { path: '', known: TOP_KEYS });
  const mapped = readMappedPorts(ctx, fields.get('mapped_ports'));
  const output = readOutput(ctx, fields.get('output'));
  if (mapped === undefined || output === undefined) return undefined;
  return { localhost: mapped.localhost, external: mapped.external, output };
}

function readOutput(ctx: ReadContext, field: MapField | undefined): OutputRule[] | undefined {
  if (field === undefined || isNullNode(field.value)) return [];
  const list = field.value;
  if (!isSeq(list)) {
    const hint = isMap(list) ? '; start each rule with "- "' : '';
    const message = `"output" must be a list of rules${hint}, got ${describeNode(list)}`;
    report(ctx, { code: 'ERR_LABEL_TYPE', path: 'output', at: spanOf(list), message });
    return undefined;
  }
  const rules: OutputRule[] = [];
  let failed = false;
  for (const [index, item] of list.items.entries()) {
    const rule = readOutputRule(ctx, resolveNode(ctx, item), childPath('output', index));
    if (rule === undefined) failed = true;
    else rules.push(rule);
  }
  return failed ? undefined : rules;
}
