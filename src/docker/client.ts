/**
 * The Docker Engine API calls whalewall makes: ping (and version negotiation), list, inspect and
 * the event stream. Hand-rolled on node:http rather than dockerode or undici: those add tens of
 * MiB of memory and many packages, dockerode ignores DOCKER_API_VERSION and undici's default body
 * timeout kills a quiet event stream; the API surface used here is five requests.
 */
import type { IncomingMessage } from 'node:http';
import { WhalewallError } from '../errors.ts';
import { readDockerConfig, type DockerConfig, type DockerEnv } from './config.ts';
import { eventFilters, sinceParam } from './events.ts';
import { parseInspect } from './inspect.ts';
import { dockerMessage, expectOk, readBody, Transport } from './transport.ts';
import type { ContainerInfo } from './types.ts';

/** The newest API version this client was written against; a newer engine is asked for it. */
export const MAX_API_VERSION = '1.47';
/** What an engine that sends no `Api-Version` header is assumed to speak. */
const FALLBACK_API_VERSION = '1.24';
const INSPECT_CONCURRENCY = 8;

export interface DockerClientOptions {
  readonly env: DockerEnv;
  readonly timeoutMs: number;
}

function olderVersion(a: string, b: string): string {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor < bMajor || (aMajor === bMajor && aMinor <= bMinor) ? a : b;
}

export class DockerClient {
  readonly #config: DockerConfig;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  #version: string | undefined;

  constructor(opts: DockerClientOptions) {
    this.#config = readDockerConfig(opts.env);
    this.#transport = new Transport(this.#config);
    this.#timeoutMs = opts.timeoutMs;
    this.#version = this.#config.apiVersion;
  }

  get url(): string {
    return this.#config.url;
  }

  /**
   * Checks that the engine answers and settles the API version: the pinned one, or the older of
   * the engine's and ours. Asked again on every call, since the engine may have been upgraded.
   */
  async ping(): Promise<string> {
    const doing = 'pinging Docker';
    const res = expectOk(await this.#get('/_ping', doing), doing);
    if (this.#config.apiVersion !== undefined) return this.#config.apiVersion;
    const header = res.headers['api-version'];
    const engine = typeof header === 'string' && header !== '' ? header : FALLBACK_API_VERSION;
    this.#version = olderVersion(engine, MAX_API_VERSION);
    return this.#version;
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    const doing = `inspecting container ${id.slice(0, 12)}`;
    const res = await this.#get(
      await this.#api(`/containers/${encodeURIComponent(id)}/json`),
      doing,
    );
    if (res.status === 404) return undefined;
    return parseInspect(parseJson(expectOk(res, doing).body, doing));
  }

  /** Every running container, inspected; one that vanished between list and inspect is left out. */
  async listRunning(): Promise<ContainerInfo[]> {
    const doing = 'listing running containers';
    const res = expectOk(await this.#get(await this.#api('/containers/json'), doing), doing);
    const listed = parseJson(res.body, doing);
    const ids = Array.isArray(listed)
      ? listed.map((c: { Id?: unknown }) => c.Id).filter((id) => typeof id === 'string')
      : [];

    const found: ContainerInfo[] = [];
    for (let i = 0; i < ids.length; i += INSPECT_CONCURRENCY) {
      const batch = ids.slice(i, i + INSPECT_CONCURRENCY).map((id) => this.inspect(id));
      for (const info of await Promise.all(batch)) if (info !== undefined) found.push(info);
    }
    return found;
  }

  /** Subscribes to the events whalewall handles, from `since` (inclusive) when given. */
  async subscribe(signal: AbortSignal, since?: string): Promise<IncomingMessage> {
    const doing = 'subscribing to Docker events';
    const query = new URLSearchParams({ filters: eventFilters() });
    if (since !== undefined) query.set('since', sinceParam(since));
    const path = await this.#api(`/events?${query.toString()}`);
    const res = await this.#transport.stream({
      method: 'GET',
      path,
      doing,
      timeoutMs: this.#timeoutMs,
      signal,
    });
    if (res.statusCode === 200) return res;

    const body = await readBody(res).catch(() => '');
    const message = `${doing} failed: Docker answered ${res.statusCode ?? 0} ${dockerMessage(body)}`;
    throw new WhalewallError('ERR_DOCKER_REQUEST', message.trimEnd());
  }

  close(): void {
    this.#transport.close();
  }

  async #api(path: string): Promise<string> {
    this.#version ??= await this.ping();
    return `/v${this.#version}${path}`;
  }

  #get(path: string, doing: string) {
    return this.#transport.request({ method: 'GET', path, doing, timeoutMs: this.#timeoutMs });
  }
}

function parseJson(body: string, doing: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new WhalewallError('ERR_DOCKER_REQUEST', `${doing}: Docker's answer is not JSON`, {
      cause: err,
    });
  }
}
