/**
 * The daemon's main loop: Docker signals in, converge passes out.
 *
 * Startup order matters. The base table is ensured first, the kernel's table is read back, and no
 * pass runs before the first full listing of containers: a pass over a partial picture would strip
 * the rules of containers that are running but not yet listed. Rules stay in the kernel when the
 * daemon stops, so containers remain filtered while it restarts.
 */
import type { ContainerInfo } from '../docker/types.ts';
import type { StateStore } from '../state/types.ts';
import { ContainerFacts, type FactEvent } from './container-facts.ts';
import { Converger, type RuleApplier } from './converger.ts';
import { containerFields, type Logger } from './logger.ts';
import { SerialTask } from './serial-task.ts';

export type DockerSignal =
  { readonly kind: 'resync' } | { readonly kind: 'event'; readonly event: FactEvent };

export interface DaemonDocker {
  inspect(id: string): Promise<ContainerInfo | undefined>;
  listRunning(): Promise<readonly ContainerInfo[]>;
  watch(signal: AbortSignal): AsyncIterable<DockerSignal>;
}

export interface DaemonFirewall extends RuleApplier {
  ensureBase(opts: { chainsFile?: string }): Promise<void>;
  /** Chains loaded from the operator's chains file by `ensureBase`. */
  readonly operatorChains: readonly string[];
}

export interface DaemonDeps {
  readonly docker: DaemonDocker;
  readonly firewall: DaemonFirewall;
  readonly state: StateStore;
  readonly logger: Logger;
  readonly reconcileIntervalMs: number;
  readonly chainsFile?: string;
  /** Called after every converge pass; tests and benchmarks observe progress through it. */
  readonly onConverged?: () => void;
}

export async function runDaemon(deps: DaemonDeps, signal: AbortSignal): Promise<void> {
  const { logger } = deps;
  await deps.firewall.ensureBase(
    deps.chainsFile === undefined ? {} : { chainsFile: deps.chainsFile },
  );
  const converger = new Converger({
    firewall: deps.firewall,
    state: deps.state,
    logger,
    operatorChains: deps.firewall.operatorChains,
  });

  const task = new SerialTask(
    async () => {
      await converger.converge(facts.snapshot());
      deps.onConverged?.();
    },
    (err) => {
      converger.markKernelStale();
      logger.error({ err }, 'converge failed');
    },
  );
  const facts = new ContainerFacts(
    deps.docker,
    () => void task.request(),
    (id, err) => {
      logger.warn({ ...containerFields(id), err }, 'inspect failed');
    },
  );

  const timer = setInterval(() => {
    if (!facts.ready) return;
    converger.markKernelStale();
    void task.request();
  }, deps.reconcileIntervalMs);
  timer.unref();

  let resyncs = 0;
  try {
    for await (const sig of deps.docker.watch(signal)) {
      if (sig.kind === 'event') {
        logger.debug(
          { event: sig.event.action, ...containerFields(sig.event.containerId) },
          'docker event',
        );
        facts.handle(sig.event);
        continue;
      }
      logger.info('resync with docker');
      converger.markKernelStale();
      void resyncUntilDone(facts, logger, signal, ++resyncs, () => resyncs);
    }
  } finally {
    clearInterval(timer);
    await task.idle();
  }
}

const RESYNC_RETRY_MS = [500, 1000, 2000, 5000, 10_000];

/**
 * Lists every container again, retrying with backoff when Docker answers the event stream but
 * fails the listing. A newer resync (or shutdown) supersedes this one.
 */
async function resyncUntilDone(
  facts: ContainerFacts,
  logger: Logger,
  signal: AbortSignal,
  generation: number,
  current: () => number,
): Promise<void> {
  for (let attempt = 0; !signal.aborted && generation === current(); attempt++) {
    try {
      await facts.resync();
      return;
    } catch (err) {
      const delay = RESYNC_RETRY_MS[Math.min(attempt, RESYNC_RETRY_MS.length - 1)] ?? 10_000;
      logger.warn({ err, ms: delay }, 'resync failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  }
}
