/**
 * Where and how to reach the Docker engine, read from the environment the way the Docker CLI
 * reads it: `DOCKER_HOST` (unix:// or tcp://; default unix:///var/run/docker.sock),
 * `DOCKER_API_VERSION` (pins the version; otherwise it is negotiated), `DOCKER_CERT_PATH` (a
 * directory with ca.pem, cert.pem and key.pem) and `DOCKER_TLS_VERIFY` (any non-empty value
 * means the server's certificate is verified).
 *
 * Certificates are read here, synchronously, when the client is created: the process confines
 * itself afterwards and may no longer be allowed to open them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WhalewallError } from '../errors.ts';

export type DockerEnv = Readonly<Record<string, string | undefined>>;

export interface TlsFiles {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly verify: boolean;
}

export type DockerEndpoint =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls?: TlsFiles };

export interface DockerConfig {
  /** `DOCKER_HOST` as given (or the default), for messages. */
  readonly url: string;
  readonly endpoint: DockerEndpoint;
  /** Pinned by `DOCKER_API_VERSION`; negotiated through `/_ping` when absent. */
  readonly apiVersion?: string;
}

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

function configError(message: string, cause?: unknown): WhalewallError {
  return new WhalewallError('ERR_DOCKER_CONFIG', message, cause === undefined ? {} : { cause });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Reads the Docker settings from `env`; throws ERR_DOCKER_CONFIG naming the bad variable. */
export function readDockerConfig(env: DockerEnv): DockerConfig {
  const url = nonEmpty(env['DOCKER_HOST']) ?? DEFAULT_DOCKER_HOST;
  const apiVersion = nonEmpty(env['DOCKER_API_VERSION']);
  if (apiVersion !== undefined && !/^\d+\.\d+$/.test(apiVersion)) {
    throw configError(`DOCKER_API_VERSION "${apiVersion}" is not a version like 1.41`);
  }
  const endpoint = parseEndpoint(url, env);
  return apiVersion === undefined ? { url, endpoint } : { url, endpoint, apiVersion };
}

function parseEndpoint(url: string, env: DockerEnv): DockerEndpoint {
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (socketPath === '') throw configError(`DOCKER_HOST "${url}" names no socket path`);
    return { kind: 'unix', socketPath };
  }
  if (!url.startsWith('tcp://')) {
    throw configError(`DOCKER_HOST "${url}" is not supported; use unix:// or tcp://`);
  }
  return parseTcp(url, readTls(env));
}

function parseTcp(url: string, tls: TlsFiles | undefined): DockerEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw configError(`DOCKER_HOST "${url}" is not a valid tcp:// address`, err);
  }
  // The CLI's defaults: 2376 when TLS is in use, 2375 otherwise.
  const port = parsed.port === '' ? (tls === undefined ? 2375 : 2376) : Number(parsed.port);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw configError(`DOCKER_HOST "${url}" names no host`);
  return tls === undefined ? { kind: 'tcp', host, port } : { kind: 'tcp', host, port, tls };
}

/**
 * TLS is used when a certificate directory is known: `DOCKER_CERT_PATH`, or `~/.docker` when
 * only `DOCKER_TLS_VERIFY` is set (as the CLI does).
 */
function readTls(env: DockerEnv): TlsFiles | undefined {
  const verify = nonEmpty(env['DOCKER_TLS_VERIFY']) !== undefined;
  const home = nonEmpty(env['HOME']);
  const dir =
    nonEmpty(env['DOCKER_CERT_PATH']) ??
    (verify && home !== undefined ? join(home, '.docker') : undefined);
  if (dir === undefined && verify) {
    throw configError('DOCKER_TLS_VERIFY is set but neither DOCKER_CERT_PATH nor HOME is');
  }
  if (dir === undefined) return undefined;

  const read = (name: string): Buffer => {
    try {
      return readFileSync(join(dir, name));
    } catch (err) {
      throw configError(`DOCKER_CERT_PATH "${dir}" has no readable ${name}`, err);
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify };
}
