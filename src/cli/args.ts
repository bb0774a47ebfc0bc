/**
 * Command-line parsing. whalewall has subcommands (`run`, `clear`, `status`, `lint`, `version`) and
 * also accepts the original project's flat Go-style flags (`-d /data -debug -t 45s`, `-clear`,
 * `-version`) so existing compose `command:` lines keep working.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from './duration.ts';

export const COMMANDS = ['run', 'clear', 'status', 'history', 'lint', 'version', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

/**
 * Go's flag package takes `-debug` and `--debug` alike; node's parseArgs would read `-debug` as
 * `-d ebug`, so these names are rewritten to their double-dash form first.
 */
const GO_LONG_FLAGS = new Set([
  'debug',
  'clear',
  'version',
  'json',
  'help',
  'no-sandbox',
  'data-dir',
  'log',
  'log-level',
  'timeout',
  'chains-file',
  'reconcile-interval',
  'docker-budget',
]);

export function normaliseGoFlags(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const match = /^-([a-z][a-z-]+)(=.*)?$/.exec(arg);
    const name = match?.[1];
    return name !== undefined && GO_LONG_FLAGS.has(name) ? `-${arg}` : arg;
  });
}

export interface CommandLine {
  readonly command: CommandName;
  readonly rest: readonly string[];
}

/**
 * Splits the subcommand from its arguments; flat legacy flags map to `run`, `clear` or `version`.
 */
export function selectCommand(argv: readonly string[]): CommandLine {
  const args = normaliseGoFlags(argv);
  const first = args[0];
  if (first !== undefined && (COMMANDS as readonly string[]).includes(first)) {
    return { command: first as CommandName, rest: args.slice(1) };
  }
  if (args.some((a) => a === '--help' || a === '-h')) return { command: 'help', rest: [] };
  if (args.some((a) => a === '--version' || a === '--version=true')) {
    return { command: 'version', rest: [] };
  }
  if (args.some((a) => a === '--clear' || a === '--clear=true')) {
    return { command: 'clear', rest: args.filter((a) => !a.startsWith('--clear')) };
  }
  return { command: 'run', rest: args };
}

export interface DaemonOptions {
  readonly dataDir: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly logDestination: string;
  readonly timeoutMs: number;
  readonly sandbox: boolean;
  readonly chainsFile?: string;
  readonly reconcileIntervalMs: number;
  readonly dockerBudgetMs: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const DAEMON_FLAGS = {
  'data-dir': { type: 'string', short: 'd', default: '.' },
  debug: { type: 'boolean', default: false },
  'log-level': { type: 'string' },
  log: { type: 'string', short: 'l', default: 'stdout' },
  timeout: { type: 'string', short: 't', default: '10s' },
  'no-sandbox': { type: 'boolean', default: false },
  'chains-file': { type: 'string' },
  'reconcile-interval': { type: 'string', default: '60s' },
  'docker-budget': { type: 'string', default: '5m' },
} as const;

function durationFlag(name: string, text: string): Parsed<number> {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    return { ok: false, message: `--${name} "${text}" is not a duration such as 10s or 500ms` };
  }
  return { ok: true, value: ms };
}

function logLevel(debug: boolean, text: string | undefined): Parsed<DaemonOptions['logLevel']> {
  if (text === undefined) return { ok: true, value: debug ? 'debug' : 'info' };
  if (text === 'debug' || text === 'info' || text === 'warn' || text === 'error') {
    return { ok: true, value: text };
  }
  return { ok: false, message: `--log-level "${text}" must be debug, info, warn or error` };
}

/** Options of `run`, `clear` and `status`, which share the data directory and logging flags. */
export function parseDaemonOptions(rest: readonly string[]): Parsed<DaemonOptions> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...rest], options: DAEMON_FLAGS, strict: true }));
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  const timeout = durationFlag('timeout', values.timeout);
  if (!timeout.ok) return timeout;
  const interval = durationFlag('reconcile-interval', values['reconcile-interval']);
  if (!interval.ok) return interval;
  const budget = durationFlag('docker-budget', values['docker-budget']);
  if (!budget.ok) return budget;
  const level = logLevel(values.debug, values['log-level']);
  if (!level.ok) return level;

  return {
    ok: true,
    value: {
      dataDir: values['data-dir'],
      logLevel: level.value,
      logDestination: values.log,
      timeoutMs: timeout.value,
      sandbox: !values['no-sandbox'],
      ...(values['chains-file'] === undefined ? {} : { chainsFile: values['chains-file'] }),
      reconcileIntervalMs: interval.value,
      dockerBudgetMs: budget.value,
    },
  };
}
