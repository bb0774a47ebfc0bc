/**
 * `DockerSource`: the daemon's one seam to Docker.
 *
 * `watch()` yields `resync` after every successful subscription to the event stream, the first
 * included, and then the events in order. Subscribing comes first and listing after, so no
 * change can fall between the daemon's listing and the first event it reads.
 *
 * When the stream breaks (Docker restarted, socket gone), it reconnects with backoff and resumes
 * with `since` set to the last event's `timeNano`. Docker treats `since` as inclusive to the
 * nanosecond, so events at exactly that instant that were already delivered are dropped. Events
 * Docker no longer has (a restarted engine forgets its history) are covered by the resync.
 * When Docker stays unreachable past `unreachableBudgetMs`, the iteration throws
 * ERR_DOCKER_UNAVAILABLE so that the process can exit and its supervisor notice. Aborting
 * `signal` ends the iteration quietly.
 */
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { DockerClient } from './client.ts';
import type { DockerEnv } from './config.ts';
import { compareTimeNano, parseEventLine, type DockerEvent } from './events.ts';
import { DEFAULT_BACKOFF, RetryClock } from './retry.ts';
import type { ContainerInfo } from './types.ts';

export type { DockerEvent } from './events.ts';

export type DockerSignal =
  { readonly kind: 'resync' } | { readonly kind: 'event'; readonly event: DockerEvent };

export interface DockerSource {
  /** Checks that Docker answers; resolves to the API version in use. */
  ping(): Promise<string>;
  /** Every running container, inspected. */
  listRunning(): Promise<readonly ContainerInfo[]>;
  /** `undefined` when Docker does not know the container. */
  inspect(id: string): Promise<ContainerInfo | undefined>;
  watch(signal: AbortSignal): AsyncIterable<DockerSignal>;
  /** Drops idle connections; the source must not be used afterwards. */
  close(): void;
}

export interface DockerSourceOptions {
  readonly env: DockerEnv;
  /** Limit for each request, and for the head of the event stream's response. */
  readonly timeoutMs: number;
  readonly unreachableBudgetMs: number;
  /** Reconnect delays; 0.25 s doubling to 10 s unless given. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** Reads the Docker settings (and certificates) now; throws ERR_DOCKER_CONFIG when unusable. */
export function createDockerSource(opts: DockerSourceOptions): DockerSource {
  const client = new DockerClient({ env: opts.env, timeoutMs: opts.timeoutMs });
  const retry = { ...(opts.backoff ?? DEFAULT_BACKOFF), budgetMs: opts.unreachableBudgetMs };
  return {
    ping: () => client.ping(),
    listRunning: () => client.listRunning(),
    inspect: (id) => client.inspect(id),
    watch: (signal) => watchDocker(client, new RetryClock(retry), signal),
    close: () => {
      client.close();
    },
  };
}

async function* watchDocker(
  client: DockerClient,
  retry: RetryClock,
  signal: AbortSignal,
): AsyncGenerator<DockerSignal> {
  const cursor = new EventCursor();

  while (!signal.aborted) {
    const stream = await connect(client, cursor.since, signal);
    if (stream instanceof Error) {
      await waitOrStop(retry, stream, client.url, signal);
      continue;
    }
    retry.connected();
    const since = Date.now();
    yield { kind: 'resync' };
    for await (const event of readEvents(stream)) {
      if (cursor.accept(event)) yield { kind: 'event', event };
    }
    retry.disconnected(Date.now() - since);
    await waitOrStop(retry, new Error('the event stream ended'), client.url, signal);
  }
}

async function connect(
  client: DockerClient,
  since: string | undefined,
  signal: AbortSignal,
): Promise<IncomingMessage | Error> {
  try {
    // Ping first: it fails fast when Docker is down and renegotiates the API version after
    // the engine was restarted, possibly upgraded.
    await client.ping();
    return await client.subscribe(signal, since);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Waits for the next attempt; an abort while waiting is not an error. */
async function waitOrStop(retry: RetryClock, err: Error, url: string, signal: AbortSignal) {
  try {
    await retry.wait(err, url, signal);
  } catch (waitErr) {
    if (!signal.aborted) throw waitErr;
  }
}

/** The events of one subscription, until the stream ends or breaks. */
async function* readEvents(stream: IncomingMessage): AsyncGenerator<DockerEvent> {
  stream.setEncoding('utf8');
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const event = parseEventLine(line);
      if (event !== undefined) yield event;
    }
  } catch {
    // A broken stream ends this subscription; the caller reconnects unless `signal` fired.
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Remembers where the stream stopped and which events at that instant were delivered. */
export class EventCursor {
  #last: string | undefined;
  #atLast = new Set<string>();

  /** The `timeNano` to resume from, if any event was seen. */
  get since(): string | undefined {
    return this.#last;
  }

  /** True for an event not delivered before; false for a replay of the `since` boundary. */
  accept(event: DockerEvent): boolean {
    const key = `${event.type} ${event.action} ${event.containerId}`;
    const order = this.#last === undefined ? 1 : compareTimeNano(event.timeNano, this.#last);
    if (order < 0) return false;
    if (order === 0) {
      if (this.#atLast.has(key)) return false;
      this.#atLast.add(key);
      return true;
    }
    this.#last = event.timeNano;
    this.#atLast = new Set([key]);
    return true;
  }
}
