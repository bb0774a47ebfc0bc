import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WhalewallError } from '../errors.ts';
import { readDockerConfig, type DockerEnv } from './config.ts';

function configErrorFor(env: DockerEnv): string {
  try {
    readDockerConfig(env);
  } catch (err) {
    assert.ok(err instanceof WhalewallError);
    assert.equal(err.code, 'ERR_DOCKER_CONFIG');
    return err.message;
  }
  assert.fail('expected ERR_DOCKER_CONFIG');
}

describe('readDockerConfig', () => {
  let certs: string;
  before(() => {
    certs = mkdtempSync(join(tmpdir(), 'ww-certs-'));
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, name), name);
  });
  after(() => {
    rmSync(certs, { recursive: true, force: true });
  });

  it('defaults to the local socket and negotiates the version', () => {
    assert.deepEqual(readDockerConfig({}), {
      url: 'unix:///var/run/docker.sock',
      endpoint: { kind: 'unix', socketPath: '/var/run/docker.sock' },
    });
  });

  it('reads tcp hosts with the default ports of plain and TLS connections', () => {
    const plain = readDockerConfig({ DOCKER_HOST: 'tcp://10.0.0.5', DOCKER_API_VERSION: '1.41' });
    assert.deepEqual(plain.endpoint, { kind: 'tcp', host: '10.0.0.5', port: 2375 });
    assert.equal(plain.apiVersion, '1.41');

    const tls = readDockerConfig({ DOCKER_HOST: 'tcp://[fd00::5]', DOCKER_CERT_PATH: certs });
    assert.ok(tls.endpoint.kind === 'tcp');
    assert.equal(tls.endpoint.host, 'fd00::5');
    assert.equal(tls.endpoint.port, 2376);
    assert.equal(tls.endpoint.tls?.ca.toString(), 'ca.pem');
    assert.equal(tls.endpoint.tls.verify, false);
  });

  it('verifies the server for any non-empty DOCKER_TLS_VERIFY, like the CLI', () => {
    const env = { DOCKER_HOST: 'tcp://h:1', DOCKER_CERT_PATH: certs, DOCKER_TLS_VERIFY: 'no' };
    const config = readDockerConfig(env);
    assert.ok(config.endpoint.kind === 'tcp');
    assert.equal(config.endpoint.tls?.verify, true);
  });

  it('names the variable and value that cannot be used', () => {
    assert.match(configErrorFor({ DOCKER_HOST: 'ssh://me@box' }), /DOCKER_HOST "ssh:\/\/me@box"/);
    assert.match(configErrorFor({ DOCKER_HOST: 'unix://' }), /names no socket path/);
    assert.match(configErrorFor({ DOCKER_API_VERSION: 'latest' }), /DOCKER_API_VERSION "latest"/);
    const missing = join(certs, 'absent');
    const env = { DOCKER_HOST: 'tcp://h:1', DOCKER_CERT_PATH: missing };
    assert.match(configErrorFor(env), /has no readable ca\.pem/);
  });
});
