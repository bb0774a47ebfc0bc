/**
 * A small agent run inside a network namespace (`ip netns exec NS node netns-agent.ts`). It reads
 * one JSON command per stdin line and answers one JSON line with the same `id`:
 *
 * - `{op: 'listen', proto, host, port}` starts an echo server (TCP greets with `ok <port>` and
 *   echoes bytes; UDP echoes datagrams);
 * - `{op: 'probe', proto, host, port, srcAddr?, srcPort?, timeoutMs}` sends `ping` and reports
 *   `replied`, `connected` (TCP opened, no echo), `refused` or `timeout`.
 *
 * It exits when stdin closes, so it never outlives the test that started it.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { createInterface } from 'node:readline';

interface Command {
  readonly id: number;
  readonly op: 'listen' | 'probe';
  readonly proto: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
  readonly srcAddr?: string;
  readonly srcPort?: number;
  readonly timeoutMs?: number;
}

type Outcome = 'replied' | 'connected' | 'refused' | 'timeout' | 'unreachable';
function outcomeOf(err: NodeJS.ErrnoException): Outcome {
  if (err.code === 'ECONNREFUSED') return 'refused';
  if (err.code === 'ENETUNREACH' || err.code === 'EHOSTUNREACH' || err.code === 'EINVAL') {
    return 'unreachable';
  }
  return 'timeout';
}

const servers: { close: () => void }[] = [];

function listenTcp(c: Command): Promise<void> {
  // Greets first, like the test image's ww-listen, so probes that only read (ww-probe) get a
  // reply too; then echoes what it receives.
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.write(`ok ${c.port}\n`);
    s.pipe(s);
  });
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: c.host, port: c.port, ipv6Only: c.host.includes(':') }, resolve);
  });
}

function listenUdp(c: Command): Promise<void> {
  const v6 = c.host.includes(':');
  const sock = dgram.createSocket({
    type: v6 ? 'udp6' : 'udp4',
    ...(v6 ? { ipv6Only: true } : {}),
  });
  sock.on('message', (msg, from) => {
    sock.send(msg, from.port, from.address);
  });
  servers.push(sock);
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(c.port, c.host, resolve);
  });
}

function probeTcp(c: Command): Promise<Outcome> {
  return new Promise((resolve) => {
    let connected = false;
    const sock = net.connect({
      host: c.host,
      port: c.port,
      ...(c.srcAddr === undefined ? {} : { localAddress: c.srcAddr }),
      ...(c.srcPort === undefined ? {} : { localPort: c.srcPort }),
    });
    const done = (o: Outcome) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => {
      done(connected ? 'connected' : 'timeout');
    }, c.timeoutMs ?? 1000);
    sock.on('connect', () => {
      connected = true;
      sock.write('ping');
    });
    sock.on('data', () => {
      done('replied');
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      done(outcomeOf(err));
    });
  });
}

function probeUdp(c: Command): Promise<Outcome> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(c.host.includes(':') ? 'udp6' : 'udp4');
    const done = (o: Outcome) => {
      clearTimeout(timer);
      sock.close();
      resolve(o);
    };
    const timer = setTimeout(() => {
      done('timeout');
    }, c.timeoutMs ?? 1000);
    sock.on('message', () => {
      done('replied');
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      done(outcomeOf(err));
    });
    sock.bind(
      { port: c.srcPort ?? 0, ...(c.srcAddr === undefined ? {} : { address: c.srcAddr }) },
      () => {
        sock.connect(c.port, c.host, () => {
          sock.send('ping');
        });
      },
    );
  });
}

async function handle(c: Command): Promise<Record<string, unknown>> {
  try {
    if (c.op === 'listen') {
      await (c.proto === 'tcp' ? listenTcp(c) : listenUdp(c));
      return { ok: true };
    }
    return { outcome: await (c.proto === 'tcp' ? probeTcp(c) : probeUdp(c)) };
  } catch (err) {
    return { error: String(err) };
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as Command;
  void handle(command).then((answer) => {
    process.stdout.write(`${JSON.stringify({ id: command.id, ...answer })}\n`);
  });
});
lines.on('close', () => {
  for (const s of servers) s.close();
  process.exit(0);
});
process.stdout.write('{"ready":true}\n');
