/**
 * `whalewall run`: set up logging, state, nftables and Docker, confine the process, then hand
 * over to the daemon loop until SIGTERM or SIGINT. Exit codes are those of docs/cli.md.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createDockerSource, readDockerConfig } from '../docker/index.ts';
import { WhalewallError, type ErrorCode } from '../errors.ts';
import { runDaemon } from '../daemon/daemon.ts';
import { createLogger, type Logger, type LogSink } from '../daemon/logger.ts';
import { NftFirewall, checkBridgeNetfilter } from '../nft/index.ts';
import {
  describeMissingPrivileges,
  enterSandbox,
  lockSyscalls,
  runSelfCheckIfRequested,
  type SandboxPaths,
} from '../sandbox/index.ts';
import { openStateStore } from '../state/store.ts';
import { parseDaemonOptions, type DaemonOptions } from './args.ts';
import { EXIT, type CliIo, type ExitCode } from './io.ts';
import { packageVersion } from './version.ts';

const EXIT_FOR: Partial<Record<ErrorCode, ExitCode>> = {
  ERR_NFT_PERMISSION: EXIT.privilege,
  ERR_NFT_UNAVAILABLE: EXIT.privilege,
  ERR_DOCKER_CONFIG: EXIT.usage,
  ERR_NFT_CHAINS_FILE: EXIT.usage,
  ERR_USAGE: EXIT.usage,
};

export function exitCodeFor(err: unknown): ExitCode {
  if (!(err instanceof WhalewallError)) return EXIT.failure;
  if (
    err.code === 'ERR_DOCKER_UNAVAILABLE' &&
    /EACCES|permission denied/iu.test(String(err.cause))
  ) {
    return EXIT.privilege;
  }
  return EXIT_FOR[err.code] ?? EXIT.failure;
}

/** The data directory and log file must exist before landlock can name them. */
interface Files {
  readonly dataDir: string;
  readonly logFile?: string;
}

function prepareFiles(opts: DaemonOptions, cwd: string): Files {
  const dataDir = resolve(cwd, opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (opts.logDestination === 'stdout' || opts.logDestination === 'stderr') return { dataDir };
  const logFile = resolve(cwd, opts.logDestination);
  mkdirSync(dirname(logFile), { recursive: true });
  closeSync(openSync(logFile, 'a'));
  return { dataDir, logFile };
}

/** The package's own root: src/cli/../.. in development, dist/cli/../.. when installed. */
const APP_ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');

/**
 * What the confined process may touch: its data directory and log file read-write; its own files
 * (node_modules included, where the Node 24 runtime of npm scripts lives), the runtime and the
 * Docker client certificates read-only.
 */
function sandboxPaths(opts: DaemonOptions, files: Files, io: CliIo): SandboxPaths {
  const certPath = io.env['DOCKER_CERT_PATH'];
  const optional = [
    certPath === undefined || certPath === '' ? undefined : resolve(io.cwd, certPath),
    opts.chainsFile === undefined ? undefined : resolve(io.cwd, opts.chainsFile),
  ].filter((p) => p !== undefined);
  return {
    readWrite: files.logFile === undefined ? [files.dataDir] : [files.dataDir, files.logFile],
    readOnly: [APP_ROOT, dirname(process.execPath), ...optional],
  };
}

function confine(opts: DaemonOptions, files: Files, io: CliIo) {
  if (!opts.sandbox) return undefined;
  return enterSandbox(sandboxPaths(opts, files, io));
}

/** Sentences about what the process lacks (CAP_NET_ADMIN, the Docker socket), if anything. */
function missingPrivileges(io: CliIo): readonly string[] {
  let socket: string | undefined;
  try {
    const endpoint = readDockerConfig(io.env).endpoint;
    socket = endpoint.kind === 'unix' ? endpoint.socketPath : undefined;
  } catch {
    // An unusable DOCKER_HOST is reported with its own code once the daemon starts.
    socket = undefined;
  }
  return describeMissingPrivileges(socket);
}

export async function runRun(rest: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseDaemonOptions(rest);
  if (!parsed.ok) {
    io.stderr(`whalewall run: ${parsed.message}\n`);
    return EXIT.usage;
  }
  const opts = parsed.value;
  const missing = missingPrivileges(io);
  if (missing.length > 0) {
    io.stderr(`whalewall run cannot start:\n${missing.map((m) => `  - ${m}\n`).join('')}`);
    return EXIT.privilege;
  }
  const files = prepareFiles(opts, io.cwd);
  const stage = confine(opts, files, io);
  const destination = files.logFile ?? opts.logDestination;
  const pretty = io.isTty && destination === 'stdout';
  const sink = createLogger({ level: opts.logLevel, destination, pretty });
  const logger = sink.logger;
  logger.info({ version: packageVersion(), 'data.dir': files.dataDir }, 'started');
  if (stage === undefined)
    logger.warn('sandbox disabled by --no-sandbox: do not run like this in production');
  else if (stage.kind === 'unconfined')
    logger.warn({ reason: stage.reason }, 'sandbox unavailable');
  else if (stage.kind === 'confined') logger.info({ notes: stage.notes }, 'sandbox applied');

  try {
    return await serve(opts, files.dataDir, sink, io);
  } catch (err) {
    logger.fatal({ err, code: err instanceof WhalewallError ? err.code : undefined }, 'stopped');
    io.stderr(`whalewall run: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodeFor(err);
  } finally {
    sink.flush();
  }
}

async function serve(
  opts: DaemonOptions,
  dataDir: string,
  sink: LogSink,
  io: CliIo,
): Promise<number> {
  const logger = sink.logger;
  const state = openStateStore(dataDir);
  const firewall = new NftFirewall();
  const docker = createDockerSource({
    env: io.env,
    timeoutMs: opts.timeoutMs,
    unreachableBudgetMs: opts.dockerBudgetMs,
  });
  if (opts.sandbox) {
    logSyscallLock(logger, lockSyscalls());
    await runSelfCheckIfRequested(io.env, dataDir);
  }
  const bridgeWarning = checkBridgeNetfilter();
  if (bridgeWarning !== undefined) logger.warn(bridgeWarning);

  const controller = new AbortController();
  const stop = (): void => {
    controller.abort();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const reopen = (): void => {
    sink.reopen();
  };
  process.on('SIGHUP', reopen);
  let ready = false;
  try {
    await runDaemon(
      {
        docker,
        firewall,
        state,
        logger,
        reconcileIntervalMs: opts.reconcileIntervalMs,
        ...(opts.chainsFile === undefined ? {} : { chainsFile: resolve(io.cwd, opts.chainsFile) }),
        onConverged: () => {
          if (!ready) logger.info('ready');
          ready = true;
        },
      },
      controller.signal,
    );
    logger.info('shutting down; rules stay in place');
    return EXIT.ok;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    process.off('SIGHUP', reopen);
    firewall.close();
    state.close();
  }
}

function logSyscallLock(logger: Logger, result: ReturnType<typeof lockSyscalls>): void {
  if (result.applied)
    logger.info({ 'syscalls.allowed': result.syscalls }, 'seccomp filter applied');
  else logger.warn({ note: result.note }, 'seccomp filter not applied');
}
