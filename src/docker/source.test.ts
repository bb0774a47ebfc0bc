import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { WhalewallError } from '../errors.ts';
import { FakeEngine } from './fake-engine.ts';
import { createDockerSource, type DockerSignal, type DockerSource } from './source.ts';

const ID = 'e'.repeat(64);
const T1 = '1796316010057859322';
const T2 = '1796316011000000000';

function line(action: string, timeNano: string): string {
  const actor = `{"ID":"${ID}","Attributes":{"name":"web"}}`;
  return `{"Type":"container","Action":"${action}","Actor":${actor},"timeNano":${timeNano}}\n`;
}

function describeSignal(sig: DockerSignal): string {
  return sig.kind === 'resync' ? 'resync' : `${sig.event.action}@${sig.event.timeNano}`;
}

/** Collects signals in the background; `next(n)` waits until n have arrived. */
function collect(source: DockerSource, signal: AbortSignal) {
  const seen: string[] = [];
  const done = (async () => {
    for await (const sig of source.watch(signal)) seen.push(describeSignal(sig));
  })();
  const next = async (n: number, timeoutMs = 5000): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    while (seen.length < n) {
      if (Date.now() > deadline) throw new Error(`saw only ${JSON.stringify(seen)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return seen.slice(0, n);
  };
  return { seen, done, next };
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('DockerSource.watch against a fake engine', () => {
  let dir: string;
  let engine: FakeEngine;
  let source: DockerSource;
  let stop: AbortController;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ww-docker-'));
    engine = new FakeEngine(join(dir, 'docker.sock'));
    await engine.start();
    source = createDockerSource({
      env: { DOCKER_HOST: `unix://${engine.socketPath}` },
      timeoutMs: 1000,
      unreachableBudgetMs: 3000,
      backoff: { initialMs: 20, maxMs: 200 },
    });
    stop = new AbortController();
  });

  afterEach(async () => {
    stop.abort();
    source.close();
    await engine.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('yields resync first, then events split across chunks, with exact timeNano', async () => {
    const watch = collect(source, stop.signal);
    await until('the subscription', () => engine.openStreams === 1);

    const text = line('start', T1) + line('die', T2);
    engine.write(text.slice(0, 30));
    engine.write(text.slice(30, 130));
    engine.write(text.slice(130));

    assert.deepEqual(await watch.next(3), ['resync', `start@${T1}`, `die@${T2}`]);
    const filters = JSON.parse(engine.eventRequests[0]?.filters ?? '{}') as Record<string, unknown>;
    assert.deepEqual(filters['type'], ['container', 'network']);
    assert.equal(engine.eventRequests[0]?.since, null);
    stop.abort();
    await watch.done;
  });

  it('reconnects after the engine dies, resumes from the last event and drops its replay', async () => {
    const watch = collect(source, stop.signal);
    await until('the subscription', () => engine.openStreams === 1);
    engine.write(line('start', T1));
    await watch.next(2);

    await engine.kill();
    await new Promise((resolve) => setTimeout(resolve, 150));
    engine.replay = [line('start', T1), line('die', T2)];
    await engine.start();

    assert.deepEqual(await watch.next(4), ['resync', `start@${T1}`, 'resync', `die@${T2}`]);
    assert.equal(engine.eventRequests.at(-1)?.since, '1796316010.057859322');
    stop.abort();
    await watch.done;
  });

  it('throws ERR_DOCKER_UNAVAILABLE when the engine stays away past the budget', async () => {
    const quick = createDockerSource({
      env: { DOCKER_HOST: `unix://${engine.socketPath}` },
      timeoutMs: 1000,
      unreachableBudgetMs: 300,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    const watch = collect(quick, stop.signal);
    await until('the subscription', () => engine.openStreams === 1);
    const started = Date.now();
    await engine.kill();

    await assert.rejects(watch.done, (err) => {
      return err instanceof WhalewallError && err.code === 'ERR_DOCKER_UNAVAILABLE';
    });
    const took = Date.now() - started;
    assert.ok(took >= 300 && took < 2000, `gave up after ${took} ms`);
    quick.close();
  });

  it('backs off when the engine keeps ending the stream at once', async () => {
    engine.dropStreams = true;
    const watch = collect(source, stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 600));
    stop.abort();
    await watch.done;

    // Delays of 20, 40, 80, 160, 200 ms: about five subscriptions, not hundreds.
    const subscriptions = engine.eventRequests.length;
    assert.ok(subscriptions >= 3 && subscriptions <= 8, `${subscriptions} subscriptions`);
    assert.equal(watch.seen.filter((s) => s === 'resync').length, subscriptions);
  });

  it('ends quietly when aborted while the engine is away', async () => {
    const watch = collect(source, stop.signal);
    await until('the subscription', () => engine.openStreams === 1);
    await engine.kill();
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop.abort();
    await watch.done;
    assert.deepEqual(watch.seen, ['resync']);
  });
});

describe('DockerSource requests against a fake engine', () => {
  let dir: string;
  let engine: FakeEngine;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ww-docker-'));
    engine = new FakeEngine(join(dir, 'docker.sock'));
    await engine.start();
  });

  afterEach(async () => {
    await engine.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  function sourceWith(env: Record<string, string> = {}, timeoutMs = 1000): DockerSource {
    const fullEnv = { DOCKER_HOST: `unix://${engine.socketPath}`, ...env };
    return createDockerSource({ env: fullEnv, timeoutMs, unreachableBudgetMs: 1000 });
  }

  it('negotiates the older of the engine and client API versions', async () => {
    const source = sourceWith();
    engine.apiVersion = '1.41';
    assert.equal(await source.ping(), '1.41');
    await source.inspect(ID);
    assert.equal(engine.requests.at(-1), `/v1.41/containers/${ID}/json`);
    engine.apiVersion = '1.99';
    assert.equal(await source.ping(), '1.47');
    source.close();
  });

  it('uses DOCKER_API_VERSION without asking the engine', async () => {
    const source = sourceWith({ DOCKER_API_VERSION: '1.40' });
    await source.inspect(ID);
    assert.deepEqual(engine.requests, [`/v1.40/containers/${ID}/json`]);
    source.close();
  });

  it('returns undefined for an unknown container and lists the known ones', async () => {
    const source = sourceWith();
    engine.containers.set(ID, { Id: ID, Name: '/web', State: { Running: true } });
    assert.equal(await source.inspect('f'.repeat(64)), undefined);
    assert.deepEqual(
      (await source.listRunning()).map((c) => c.name),
      ['web'],
    );
    source.close();
  });

  it('gives up on a request that takes longer than the timeout, saying what it was doing', async () => {
    const source = sourceWith({}, 200);
    engine.stall = true;
    await assert.rejects(source.inspect(ID), (err) => {
      assert.ok(err instanceof WhalewallError);
      assert.equal(err.code, 'ERR_DOCKER_REQUEST');
      assert.match(err.message, /^pinging Docker timed out after 200 ms$/);
      return true;
    });
    source.close();
  });

  it('reports a missing socket as ERR_DOCKER_UNAVAILABLE with the cause', async () => {
    const source = sourceWith({ DOCKER_HOST: `unix://${join(dir, 'absent.sock')}` });
    await assert.rejects(source.ping(), (err) => {
      assert.ok(err instanceof WhalewallError);
      assert.equal(err.code, 'ERR_DOCKER_UNAVAILABLE');
      assert.match(err.message, /absent\.sock while pinging Docker/);
      assert.equal((err.cause as NodeJS.ErrnoException).code, 'ENOENT');
      return true;
    });
    source.close();
  });
});
