/**
 * `whalewall lint FILE...`: checks the whalewall labels in compose files, or with `--rules` a
 * bare rules document. Exit 0 when clean (warnings allowed), 2 when problems were found or the
 * command line is wrong, 1 on an unexpected failure.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { analyseRulesLabel } from '../labels/index.ts';
import { EXIT, type CliIo } from './io.ts';
import { lintComposeText } from './lint-compose.ts';
import type { LintFinding } from './lint-finding.ts';
import { countBySeverity, renderLintJson, renderLintText, type LintReport } from './render-lint.ts';

const USAGE = `usage: whalewall lint [--format text|json] [--rules] FILE...

Checks the whalewall.enabled and whalewall.rules labels of every service in Docker compose
files and reports each problem at its line and column.

  --rules          the files are bare whalewall.rules documents, not compose files
  --format FORMAT  text (default) or json
  -h, --help       show this help

Exit status: 0 no problems (warnings allowed), 2 problems found or bad usage, 1 failure.
`;

interface LintOptions {
  readonly files: readonly string[];
  readonly format: 'text' | 'json';
  readonly rulesOnly: boolean;
}

export async function runLint(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parseLintArgs(argv);
  if (typeof options === 'string') {
    io.stderr(options === '' ? USAGE : `whalewall lint: ${options}\n\n${USAGE}`);
    return options === '' ? EXIT.ok : EXIT.usage;
  }
  try {
    const report = await lintFiles(options, io.cwd);
    io.stdout(options.format === 'json' ? renderLintJson(report) : renderLintText(report));
    return countBySeverity(report.findings).errors > 0 ? EXIT.usage : EXIT.ok;
  } catch (error) {
    io.stderr(
      `whalewall lint failed unexpectedly while checking ${options.files.join(', ')}: ${String(error)}\n`,
    );
    return EXIT.failure;
  }
}

/** The options, '' when help was asked for, or a message saying what is wrong. */
function parseLintArgs(argv: readonly string[]): LintOptions | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        rules: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const { values, positionals } = parsed;
  if (values.help) return '';
  if (values.format !== 'text' && values.format !== 'json')
    return `--format must be text or json, got ${JSON.stringify(values.format)}`;
  if (positionals.length === 0) return 'name at least one file to check';
  return { files: positionals, format: values.format, rulesOnly: values.rules };
}

async function lintFiles(options: LintOptions, cwd: string): Promise<LintReport> {
  const findings: LintFinding[] = [];
  const sources = new Map<string, string>();
  for (const file of options.files) {
    const source = await readSource(file, cwd);
    if (typeof source !== 'string') {
      findings.push(source);
      continue;
    }
    sources.set(file, source);
    findings.push(
      ...(options.rulesOnly ? lintRulesText(file, source) : lintComposeText(file, source)),
    );
  }
  return { files: options.files, findings, sources };
}

async function readSource(file: string, cwd: string): Promise<string | LintFinding> {
  try {
    return await readFile(resolvePath(cwd, file), 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    const message = `cannot read ${JSON.stringify(file)} (${reason})`;
    return {
      file,
      code: 'ERR_COMPOSE_FILE',
      severity: 'error',
      path: '',
      line: 1,
      column: 1,
      length: 1,
      message,
    };
  }
}

function lintRulesText(file: string, source: string): LintFinding[] {
  return analyseRulesLabel(source).problems.map(({ label, ...problem }) => ({
    file,
    label,
    ...problem,
  }));
}
