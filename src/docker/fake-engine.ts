/**
 * A fake Docker engine on a unix socket, for the client's unit tests: it answers `/_ping`,
 * list and inspect from a map, and holds `/events` streams open so a test can write lines (or
 * parts of lines) into them. It can stall (never answer) and die (close every connection and
 * remove the socket) and come back on the same path, as a restarted dockerd does.
 */
import { rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface EventsRequest {
  readonly path: string;
  readonly since: string | null;
  readonly filters: string | null;
}

export class FakeEngine {
  readonly socketPath: string;
  apiVersion = '1.41';
  stall = false;
  /** End each event stream right after its head, like a proxy that drops idle connections. */
  dropStreams = false;
  readonly containers = new Map<string, unknown>();
  /** Every path requested, in order. */
  readonly requests: string[] = [];
  readonly eventRequests: EventsRequest[] = [];
  /** Lines written to each new event stream right after it opens (a `since` replay). */
  replay: string[] = [];
  #server: http.Server | undefined;
  #sockets = new Set<Socket>();
  #streams = new Set<ServerResponse>();

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      this.#handle(req, res);
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.socketPath, resolve));
    this.#server = server;
  }

  /** Closes every connection at once and removes the socket, like a dockerd that died. */
  async kill(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#streams.clear();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
    rmSync(this.socketPath, { force: true });
  }

  get openStreams(): number {
    return this.#streams.size;
  }

  /** Writes raw text to every open event stream. */
  write(text: string): void {
    for (const res of this.#streams) res.write(text);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://docker');
    this.requests.push(url.pathname + url.search);
    if (this.stall) return;
    if (url.pathname === '/_ping') {
      res.writeHead(200, { 'Api-Version': this.apiVersion }).end('OK');
      return;
    }
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    if (path === '/events') {
      this.#openStream(url, res);
      return;
    }
    if (path === '/containers/json') {
      const list = [...this.containers.keys()].map((Id) => ({ Id }));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(list));
      return;
    }
    const id = /^\/containers\/([^/]+)\/json$/.exec(path)?.[1];
    const found = id === undefined ? undefined : this.containers.get(id);
    if (found === undefined) {
      res.writeHead(404).end(JSON.stringify({ message: `No such container: ${id ?? path}` }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(found));
  }

  #openStream(url: URL, res: ServerResponse): void {
    const since = url.searchParams.get('since');
    const filters = url.searchParams.get('filters');
    this.eventRequests.push({ path: url.pathname, since, filters });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    for (const line of this.replay) res.write(line);
    if (this.dropStreams) {
      res.end();
      return;
    }
    this.#streams.add(res);
    res.on('close', () => this.#streams.delete(res));
  }
}
