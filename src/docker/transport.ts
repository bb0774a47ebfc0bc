/**
 * HTTP to the Docker engine on `node:http` / `node:https`: the unix socket, plain TCP or TLS with
 * a client certificate. One keep-alive agent per client, so the many inspects of a resync reuse
 * their connections.
 *
 * Failures are classified for the caller: the engine could not be reached at all
 * (ERR_DOCKER_UNAVAILABLE: socket missing, refused, reset, TLS handshake), or it answered
 * badly or too late (ERR_DOCKER_REQUEST, with the HTTP status and Docker's own message).
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { WhalewallError } from '../errors.ts';
import type { DockerConfig } from './config.ts';

export interface DockerResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface RequestSpec {
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly path: string;
  /** What we were doing, for messages: "inspecting container 9c2e41d0a7b3". */
  readonly doing: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export class Transport {
  readonly #config: DockerConfig;
  readonly #agent: http.Agent;

  constructor(config: DockerConfig) {
    this.#config = config;
    const { endpoint } = config;
    const tls = endpoint.kind === 'tcp' ? endpoint.tls : undefined;
    this.#agent =
      tls === undefined
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({
            keepAlive: true,
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            rejectUnauthorized: tls.verify,
          });
  }

  /** Sends a request and reads the whole body; the timeout covers all of it. */
  async request(spec: RequestSpec): Promise<DockerResponse> {
    const timeout = AbortSignal.timeout(spec.timeoutMs);
    const signal = spec.signal === undefined ? timeout : AbortSignal.any([timeout, spec.signal]);
    try {
      const res = await this.#send(spec, signal);
      const body = await readBody(res);
      return { status: res.statusCode ?? 0, headers: res.headers, body };
    } catch (err) {
      throw this.#translate(err, spec, timeout.aborted);
    }
  }

  /**
   * Opens a streaming response. The timeout covers only the wait for the response head: the
   * event stream may rightly stay silent for hours. `signal` ends the stream at any time.
   */
  async stream(spec: RequestSpec & { readonly signal: AbortSignal }): Promise<IncomingMessage> {
    const timeout = AbortSignal.timeout(spec.timeoutMs);
    const head = new AbortController();
    const onTimeout = (): void => {
      head.abort(timeout.reason);
    };
    timeout.addEventListener('abort', onTimeout, { once: true });
    try {
      return await this.#send(spec, AbortSignal.any([head.signal, spec.signal]));
    } catch (err) {
      throw this.#translate(err, spec, timeout.aborted);
    } finally {
      timeout.removeEventListener('abort', onTimeout);
    }
  }

  close(): void {
    this.#agent.destroy();
  }

  #send(spec: RequestSpec, signal: AbortSignal): Promise<IncomingMessage> {
    const { endpoint } = this.#config;
    const options: http.RequestOptions = {
      method: spec.method,
      path: spec.path,
      agent: this.#agent,
      signal,
      // Over TCP the Host header stays the real host: TLS checks the certificate against it.
      ...(endpoint.kind === 'unix'
        ? { socketPath: endpoint.socketPath, headers: { Host: 'docker' } }
        : { host: endpoint.host, port: endpoint.port }),
    };
    const send =
      endpoint.kind === 'tcp' && endpoint.tls !== undefined ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(options, resolve);
      req.once('error', reject);
      req.end();
    });
  }

  #translate(err: unknown, spec: RequestSpec, timedOut: boolean): WhalewallError {
    if (err instanceof WhalewallError) return err;
    if (timedOut) {
      const message = `${spec.doing} timed out after ${spec.timeoutMs} ms`;
      return new WhalewallError('ERR_DOCKER_REQUEST', message, { cause: err });
    }
    const message = `could not reach Docker at ${this.#config.url} while ${spec.doing}`;
    return new WhalewallError('ERR_DOCKER_UNAVAILABLE', message, { cause: err });
  }
}

export async function readBody(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let body = '';
  for await (const chunk of res) body += chunk as string;
  return body;
}

/** Throws ERR_DOCKER_REQUEST unless the status is 2xx; keeps Docker's `message` field. */
export function expectOk(res: DockerResponse, doing: string): DockerResponse {
  if (res.status >= 200 && res.status < 300) return res;
  throw new WhalewallError(
    'ERR_DOCKER_REQUEST',
    `${doing} failed: Docker answered ${res.status} ${dockerMessage(res.body)}`.trimEnd(),
  );
}

export function dockerMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: Docker's proxies sometimes answer with plain text.
  }
  return body.trim().slice(0, 200);
}
