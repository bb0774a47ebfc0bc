/**
 * Request rate over TCP: `serve PORT` answers every connection with one line and closes it;
 * `run HOST PORT SECONDS` opens connections one after another (connect, send, read the answer,
 * close) and prints how many completed per second. Run inside the benchmark's namespaces only.
 */
import { createConnection, createServer } from 'node:net';

function serve(port: number): void {
  createServer((socket) => {
    socket.once('data', () => socket.end('ok\n'));
    socket.on('error', () => socket.destroy());
  }).listen(port);
}

function once(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port }, () => socket.write('ping\n'));
    socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
    socket.once('data', () => socket.end());
    socket.once('close', () => {
      resolve();
    });
    socket.once('error', reject);
  });
}

async function measure(host: string, port: number, seconds: number): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  while (performance.now() < deadline) {
    await once(host, port);
    done += 1;
  }
  process.stdout.write(`${JSON.stringify({ perSecond: done / seconds })}\n`);
}

const [mode, a = '', b = '', c = ''] = process.argv.slice(2);
if (mode === 'serve') serve(Number(a));
else await measure(a, Number(b), Number(c));
