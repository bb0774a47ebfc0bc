import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WhalewallError } from '../errors.ts';
import { createDockerSource } from './source.ts';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore', timeout: 20_000 });
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    ...KEY,
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.pem`,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
  );
}

/** A certificate for `name` signed by the CA `ca`, with the given X.509 extensions. */
function makeCert(dir: string, ca: string, name: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    dir,
    'req',
    ...KEY,
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}-key.pem`,
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    `${name}.pem`,
    '-extfile',
    `${name}.ext`,
  );
}

/** DOCKER_CERT_PATH layout: ca.pem, cert.pem, key.pem. */
function certPath(dir: string, sub: string, ca: string): string {
  const out = join(dir, sub);
  mkdirSync(out);
  writeFileSync(join(out, 'ca.pem'), readFileSync(join(dir, `${ca}.pem`)));
  writeFileSync(join(out, 'cert.pem'), readFileSync(join(dir, 'client.pem')));
  writeFileSync(join(out, 'key.pem'), readFileSync(join(dir, 'client-key.pem')));
  return out;
}

describe('Docker over TCP with TLS and a client certificate', { skip: !hasOpenssl() }, () => {
  let dir: string;
  let server: https.Server;
  let host: string;
  let seenClient = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ww-tls-'));
    makeCa(dir, 'ca');
    makeCa(dir, 'other-ca');
    makeCert(dir, 'ca', 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    makeCert(dir, 'ca', 'client', 'extendedKeyUsage=clientAuth\n');
    const pem = (name: string) => readFileSync(join(dir, name));
    server = https.createServer(
      { key: pem('server-key.pem'), cert: pem('server.pem'), ca: pem('ca.pem'), requestCert: true },
      (req, res) => {
        const socket = req.socket;
        seenClient =
          socket instanceof TLSSocket ? String(socket.getPeerCertificate().subject.CN) : '';
        res.writeHead(200, { 'Api-Version': '1.41' }).end('OK');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  function ping(certs: string, verify: string) {
    const env = { DOCKER_HOST: host, DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: verify };
    const source = createDockerSource({ env, timeoutMs: 3000, unreachableBudgetMs: 1000 });
    return source.ping().finally(() => {
      source.close();
    });
  }

  it('negotiates the version with a verified server, presenting the client certificate', async () => {
    assert.equal(await ping(certPath(dir, 'good', 'ca'), '1'), '1.41');
    assert.equal(seenClient, 'client');
  });

  it('refuses a server its CA did not sign when DOCKER_TLS_VERIFY is set', async () => {
    const wrong = certPath(dir, 'wrong', 'other-ca');
    await assert.rejects(ping(wrong, '1'), (err) => {
      return err instanceof WhalewallError && err.code === 'ERR_DOCKER_UNAVAILABLE';
    });
    assert.equal(await ping(wrong, ''), '1.41');
  });
});
