/**
 * `whalewall lint` on one compose file: checks the whalewall labels of every service and what a
 * file alone can check about references (container and network names), with every finding at
 * the compose file's own line and column.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { suggestKey } from '../labels/did-you-mean.ts';
import {
  analyseRulesLabel,
  ENABLED_LABEL,
  RULES_LABEL,
  type LabelProblem,
} from '../labels/index.ts';
import { parseEnabledLabel } from '../labels/enabled-label.ts';
import { entriesOf, resolve, serviceLabels, type LabelEntry } from './lint-compose-labels.ts';
import type { LintFinding } from './lint-finding.ts';
import { referenceWarnings, type ComposeNames } from './lint-references.ts';
import { mapScalarOffsets } from './lint-position.ts';

interface FileContext {
  readonly file: string;
  readonly source: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly findings: LintFinding[];
}

export function lintComposeText(file: string, source: string): LintFinding[] {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, merge: true, prettyErrors: false });
  const ctx: FileContext = { file, source, doc, lines, findings: [] };
  for (const error of doc.errors) {
    addFinding(
      ctx,
      { code: 'ERR_COMPOSE_FILE', path: '', message: `YAML syntax: ${error.message}` },
      error.pos[0],
      error.pos[1] - error.pos[0],
    );
  }
  if (doc.errors.length > 0) return ctx.findings;

  const top = entriesOf(doc, resolve(doc, doc.contents));
  const services = top.get('services');
  if (services === undefined || !isMap(services.value)) {
    const message =
      'found no "services" map at the top level; is this a compose file? (use --rules for a bare rules document)';
    addFinding(
      ctx,
      { code: 'ERR_COMPOSE_FILE', path: '', message },
      services?.key.range?.[0] ?? 0,
      1,
    );
    return ctx.findings;
  }
  const names = composeNames(doc, top, entriesOf(doc, services.value));
  for (const [service, entry] of entriesOf(doc, services.value)) {
    const labels = entriesOf(doc, entry.value).get('labels');
    if (labels !== undefined) lintService(ctx, service, labels.value, names);
  }
  return ctx.findings;
}

function composeNames(
  doc: Document,
  top: ReturnType<typeof entriesOf>,
  services: ReturnType<typeof entriesOf>,
): ComposeNames {
  const containers = new Set(services.keys());
  for (const entry of services.values())
    addName(containers, entriesOf(doc, entry.value).get('container_name')?.value);
  const networks = new Set(['default']);
  for (const [name, entry] of entriesOf(doc, top.get('networks')?.value ?? null)) {
    networks.add(name);
    addName(networks, entriesOf(doc, entry.value).get('name')?.value);
  }
  return { containers, networks };
}

function addName(names: Set<string>, node: Node | null | undefined): void {
  if (!isScalar(node)) return;
  const value: unknown = node.value;
  if (typeof value === 'string' || typeof value === 'number') names.add(String(value));
}

function lintService(
  ctx: FileContext,
  service: string,
  labels: Node | null,
  names: ComposeNames,
): void {
  const { entries, problems } = serviceLabels(ctx.doc, service, labels);
  for (const problem of problems) {
    const [start, end] = problem.node.range ?? [0, 1];
    addFinding(
      ctx,
      { code: 'ERR_LABEL_TYPE', service, path: '', message: problem.message },
      start,
      end - start,
    );
  }
  for (const entry of entries) {
    if (entry.name === ENABLED_LABEL) lintEnabled(ctx, entry);
    else if (entry.name === RULES_LABEL) lintRules(ctx, entry, names);
    else warnUnknownLabel(ctx, entry);
  }
  const enabled = entries.find((entry) => entry.name === ENABLED_LABEL);
  const rules = entries.find((entry) => entry.name === RULES_LABEL);
  if (rules !== undefined && !isEnabled(enabled)) {
    const message = `whalewall.rules is ignored because whalewall.enabled is ${enabled === undefined ? 'not set' : 'false'}; add whalewall.enabled: true to enforce it`;
    addLabelFinding(
      ctx,
      rules,
      {
        code: 'WARN_LINT_RULES_IGNORED',
        severity: 'warning',
        path: '',
        message,
        line: 1,
        column: 1,
        length: 1,
      },
      rules.text,
    );
  }
}

function isEnabled(entry: LabelEntry | undefined): boolean {
  if (entry === undefined) return false;
  const parsed = parseEnabledLabel(entry.text);
  return !parsed.ok || parsed.enabled;
}

function lintEnabled(ctx: FileContext, entry: LabelEntry): void {
  const parsed = parseEnabledLabel(entry.text);
  if (!parsed.ok) addLabelFinding(ctx, entry, parsed.problem, entry.text);
}

function lintRules(ctx: FileContext, entry: LabelEntry, names: ComposeNames): void {
  const analysis = analyseRulesLabel(entry.text);
  for (const problem of analysis.problems) addLabelFinding(ctx, entry, problem, entry.text);
  if (analysis.rules === undefined) return;
  for (const warning of referenceWarnings(analysis.rules, analysis.spans, names, entry.text)) {
    addLabelFinding(ctx, entry, warning, entry.text);
  }
}

function warnUnknownLabel(ctx: FileContext, entry: LabelEntry): void {
  const suggestion = suggestKey(entry.name, [ENABLED_LABEL, RULES_LABEL]);
  const hint = suggestion === undefined ? '' : ` Did you mean ${JSON.stringify(suggestion)}?`;
  const message = `unknown label ${JSON.stringify(entry.name)} is ignored; whalewall reads only ${ENABLED_LABEL} and ${RULES_LABEL}.${hint}`;
  const [start, end] = entry.node.range ?? [0, 1];
  addFinding(
    ctx,
    {
      code: 'WARN_LINT_LABEL_NAME',
      severity: 'warning',
      service: entry.service,
      label: entry.name,
      path: '',
      message,
    },
    start,
    end - start,
  );
}

type FindingFields = Pick<LintFinding, 'code' | 'path' | 'message'> &
  Partial<Pick<LintFinding, 'severity' | 'service' | 'label'>>;

function addFinding(ctx: FileContext, fields: FindingFields, offset: number, length: number): void {
  const clamped = Math.min(Math.max(0, offset), ctx.source.length);
  const position = ctx.lines.linePos(clamped);
  const lineEnd = ctx.source.indexOf('\n', clamped);
  const room = (lineEnd === -1 ? ctx.source.length : lineEnd) - clamped;
  const severity = fields.severity ?? 'error';
  ctx.findings.push({
    file: ctx.file,
    ...fields,
    severity,
    line: position.line,
    column: position.col,
    length: Math.max(1, Math.min(length, room)),
  });
}

/** A problem found inside a label's text, moved to where that text sits in the compose file. */
function addLabelFinding(
  ctx: FileContext,
  entry: LabelEntry,
  problem: Omit<LabelProblem, 'label'>,
  text: string,
): void {
  const offsets = mapScalarOffsets(entry.node, ctx.source, entry.decoded);
  const inLabel = labelOffset(text, problem.line, problem.column);
  const first = entry.start + inLabel;
  const start = offsets.starts[first] ?? entry.node.range?.[0] ?? 0;
  const end = offsets.ends[first + problem.length - 1] ?? offsets.ends[first] ?? start + 1;
  const fields = {
    code: problem.code,
    severity: problem.severity,
    service: entry.service,
    label: entry.name,
    path: problem.path,
    message: problem.message,
  };
  addFinding(ctx, fields, start, end - start);
}

function labelOffset(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}
