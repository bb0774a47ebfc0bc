import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CliIo } from './io.ts';
import { runLint } from './lint.ts';
import type { LintFinding } from './lint-finding.ts';
import { POSITION_CASES } from './fixtures/lint-positions.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

async function lint(
  argv: readonly string[],
  cwd = REPO,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: {},
    cwd,
    isTty: false,
  };
  const code = await runLint(argv, io);
  return { code, out, err };
}

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'whalewall-lint-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

async function lintJson(text: string): Promise<{ code: number; problems: LintFinding[] }> {
  const result = await lint(['--format', 'json', tempFile('compose.yml', text)]);
  return {
    code: result.code,
    problems: (JSON.parse(result.out) as { problems: LintFinding[] }).problems,
  };
}

describe('whalewall lint on the shipped examples', () => {
  it('finds nothing wrong in examples/compose.yml and exits 0', async () => {
    const result = await lint(['examples/compose.yml']);
    assert.equal(result.out, '1 file checked: no problems\n');
    assert.equal(result.code, 0);
  });

  it('reports each mistake of examples/broken-compose.yml at its line and exits 2', async () => {
    const result = await lint(['examples/broken-compose.yml']);
    assert.equal(result.code, 2);
    const headers = result.out.split('\n').filter((line) => line.startsWith('examples/'));
    assert.deepEqual(headers, [
      'examples/broken-compose.yml:8:26: error ERR_LABEL_ENABLED in service "api", whalewall.enabled:',
      'examples/broken-compose.yml:12:29: error ERR_LABEL_VALUE in service "api", whalewall.rules, output[0].dst_ports[1]:',
      'examples/broken-compose.yml:13:13: error ERR_LABEL_UNKNOWN_KEY in service "api", whalewall.rules, output[1].ip:',
      'examples/broken-compose.yml:17:25: error ERR_LABEL_VALUE in service "api", whalewall.rules, output[2].dst_ports[0]:',
      'examples/broken-compose.yml:23:47: warning WARN_LINT_CONTAINER in service "worker", whalewall.rules, output[0].container:',
      'examples/broken-compose.yml:23:63: warning WARN_LINT_NETWORK in service "worker", whalewall.rules, output[0].network:',
      'examples/broken-compose.yml:28:25: warning WARN_LINT_LABEL_NAME in service "batch", whalewall.enable:',
      'examples/broken-compose.yml:29:80: error ERR_LABEL_VALUE in service "batch", whalewall.rules, mapped_ports.external.ips[0]:',
      'examples/broken-compose.yml:29:122: error ERR_LABEL_CONFLICT in service "batch", whalewall.rules, mapped_ports.external.verdict.queue:',
      'examples/broken-compose.yml:29:25: warning WARN_LINT_RULES_IGNORED in service "batch", whalewall.rules:',
    ]);
    assert.ok(
      result.out.includes(
        '  port 70000 is outside 1-65535\n 12 |             dst_ports: [80, 70000]\n    |                             ^^^^^\n',
      ),
    );
    assert.ok(result.out.includes('did you mean "ips"?'));
    assert.ok(result.out.endsWith('1 file checked: 6 errors, 4 warnings\n'));
  });

  it('writes JSON for CI with counts and every finding', async () => {
    const result = await lint([
      '--format',
      'json',
      'examples/broken-compose.yml',
      'examples/compose.yml',
    ]);
    assert.equal(result.code, 2);
    const report = JSON.parse(result.out) as {
      files: string[];
      errors: number;
      warnings: number;
      problems: LintFinding[];
    };
    assert.deepEqual(
      [report.files, report.errors, report.warnings],
      [['examples/broken-compose.yml', 'examples/compose.yml'], 6, 4],
    );
    assert.deepEqual(report.problems[1], {
      file: 'examples/broken-compose.yml',
      code: 'ERR_LABEL_VALUE',
      severity: 'error',
      service: 'api',
      label: 'whalewall.rules',
      path: 'output[0].dst_ports[1]',
      line: 12,
      column: 29,
      length: 5,
      message: 'port 70000 is outside 1-65535',
    });
  });
});

describe('whalewall lint positions in compose files', () => {
  for (const testCase of POSITION_CASES) {
    it(`points into ${testCase.name}`, async () => {
      const { code, problems } = await lintJson(testCase.compose);
      assert.equal(code, 2);
      assert.deepEqual(
        problems.map((p) => [p.line, p.column, p.length]),
        [[testCase.line, testCase.column, testCase.length]],
      );
    });
  }
});

describe('whalewall lint references', () => {
  const compose = (rule: string, extra = ''): string =>
    `services:\n  db:\n    container_name: pg\n  api:\n    labels:\n      whalewall.enabled: "true"\n      whalewall.rules: |\n        output:\n          - ${rule}\n${extra}`;

  it('accepts services, container_name, declared and default networks', async () => {
    for (const rule of [
      '{container: db, network: default, proto: tcp}',
      '{container: /pg, network: data, proto: tcp}',
      '{container: db, network: shared, proto: tcp}',
    ]) {
      const { code, problems } = await lintJson(
        compose(rule, 'networks:\n  data: {}\n  ext:\n    name: shared\n    external: true\n'),
      );
      assert.deepEqual([code, problems], [0, []], rule);
    }
  });

  it('warns, without failing, about unknown containers and networks', async () => {
    const { code, problems } = await lintJson(
      compose('{container: cache, network: back, proto: tcp}'),
    );
    assert.equal(code, 0);
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity, p.line, p.column]),
      [
        ['WARN_LINT_CONTAINER', 'warning', 9, 25],
        ['WARN_LINT_NETWORK', 'warning', 9, 41],
      ],
    );
  });
});

describe('whalewall lint files and arguments', () => {
  it('checks a bare rules document with --rules', async () => {
    const file = tempFile('rules.yml', 'output:\n  - proto: tcp\n    dst_ports: [0]\n');
    const result = await lint(['--rules', file]);
    assert.equal(result.code, 2);
    assert.ok(
      result.out.startsWith(
        `${file}:3:17: error ERR_LABEL_VALUE in whalewall.rules, output[0].dst_ports[0]:\n  port 0 is not allowed`,
      ),
    );
  });

  it('reports a compose file that is not valid YAML', async () => {
    const { code, problems } = await lintJson('services:\n  api: [\n');
    assert.equal(code, 2);
    assert.ok(problems.every((p) => p.code === 'ERR_COMPOSE_FILE'));
  });

  it('reports a file without services', async () => {
    const { code, problems } = await lintJson('output: []\n');
    assert.equal(code, 2);
    assert.match(problems[0]?.message ?? '', /found no "services" map at the top level/u);
  });

  it('reports a file it cannot read and exits 2', async () => {
    const result = await lint(['no-such-compose.yml']);
    assert.equal(result.code, 2);
    assert.match(
      result.out,
      /no-such-compose\.yml:1:1: error ERR_COMPOSE_FILE:\n {2}cannot read "no-such-compose\.yml" \(ENOENT\)/u,
    );
  });

  it('rejects bad usage with exit 2 and shows help with exit 0', async () => {
    assert.equal((await lint([])).code, 2);
    assert.equal((await lint(['--format', 'xml', 'a.yml'])).code, 2);
    assert.equal((await lint(['--bogus', 'a.yml'])).code, 2);
    const help = await lint(['--help']);
    assert.deepEqual([help.code, help.err.startsWith('usage: whalewall lint')], [0, true]);
  });
});
