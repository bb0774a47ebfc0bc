/**
 * The Docker client against the real engine that test/setup/host.sh starts: a container on a
 * dual-stack network with published IPv4 and IPv6 ports, inspected and then reached at the
 * addresses the client reported; and the events of its life, as the daemon will see them.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  createDualStackNetwork,
  docker,
  removeTestObjects,
  runTestContainer,
  uniqueName,
  waitFor,
  type TestNetwork,
} from '../../test/helpers/docker.ts';
import { createDockerSource, type DockerSignal, type DockerSource } from './source.ts';

/** Reads the first line a TCP server sends; rejects on error or after one second. */
function readGreeting(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 1000 });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => {
      resolve(text.trim());
    });
    socket.on('timeout', () => socket.destroy(new Error(`no answer from ${host}:${port}`)));
    socket.on('error', reject);
  });
}

describe('DockerSource against the real engine', () => {
  let source: DockerSource;
  let net: TestNetwork;

  before(async () => {
    source = createDockerSource({ env: process.env, timeoutMs: 10_000, unreachableBudgetMs: 5000 });
    net = await createDualStackNetwork();
  });

  after(async () => {
    source.close();
    await removeTestObjects();
  });

  it('negotiates an API version with the engine', async () => {
    assert.match(await source.ping(), /^1\.\d+$/);
  });

  it('inspects addresses, gateways and published IPv4 and IPv6 ports that really answer', async () => {
    const ctr = await runTestContainer({
      network: net.name,
      listen: [80, 81],
      publish: ['80', '[::]::81/udp'],
      labels: { 'whalewall.enabled': 'true', 'com.docker.compose.project': 'wwtest' },
    });
    const info = await source.inspect(ctr.id);
    assert.ok(info !== undefined);
    assert.equal(info.name, ctr.name);
    assert.equal(info.running, true);
    assert.equal(info.networkMode, net.name);
    assert.equal(info.composeProject, 'wwtest');

    const [attachment] = info.networks;
    assert.equal(info.networks.length, 1);
    assert.equal(attachment?.networkName, net.name);
    assert.equal(attachment.networkId, net.id);
    assert.ok(attachment.ipv4?.startsWith(net.subnetV4.replace(/0\/24$/, '')));
    assert.ok(attachment.ipv6?.startsWith(net.subnetV6.replace(/\/64$/, '')));
    assert.equal(attachment.gatewayV4, net.subnetV4.replace(/0\/24$/, '1'));
    assert.equal(attachment.gatewayV6, net.subnetV6.replace(/\/64$/, '1'));
    const { ipv4 = '', ipv6 = '' } = attachment;
    assert.equal(await readGreeting(ipv4, 80), 'ok 80');
    // A fresh IPv6 address is tentative until duplicate address detection ends (about 1 s).
    const greeting = await waitFor(`${ipv6} to answer`, () => readGreeting(ipv6, 80));
    assert.equal(greeting, 'ok 80');

    const tcp = info.ports.filter((p) => p.containerPort === 80 && p.proto === 'tcp');
    assert.deepEqual(tcp.map((p) => p.hostIp).sort(), ['0.0.0.0', '::']);
    const v4 = tcp.find((p) => p.hostIp === '0.0.0.0');
    const v6 = tcp.find((p) => p.hostIp === '::');
    assert.ok(v4 !== undefined && v6 !== undefined);
    assert.equal(await readGreeting('127.0.0.1', v4.hostPort), 'ok 80');
    assert.equal(await readGreeting('::1', v6.hostPort), 'ok 80');
    assert.deepEqual(
      info.ports.filter((p) => p.proto === 'udp').map((p) => [p.containerPort, p.hostIp]),
      [[81, '::']],
    );

    const listed = await source.listRunning();
    assert.ok(listed.some((c) => c.id === ctr.id));
  });

  it('answers undefined for a container Docker does not know', async () => {
    assert.equal(await source.inspect('0'.repeat(64)), undefined);
  });

  it('reports start, rename, connect, disconnect and die of a container', async () => {
    const stop = new AbortController();
    const signals: DockerSignal[] = [];
    const watching = (async () => {
      for await (const sig of source.watch(stop.signal)) signals.push(sig);
    })();
    await waitFor('the first resync', () => signals.length > 0);

    const ctr = await runTestContainer({ network: net.name });
    const other = await createDualStackNetwork('net2');
    await docker(['rename', ctr.name, uniqueName('renamed')]);
    await docker(['network', 'connect', other.name, ctr.id]);
    await docker(['network', 'disconnect', other.name, ctr.id]);
    await docker(['stop', '-t', '1', ctr.id]);

    const mine = () =>
      signals.flatMap((s) =>
        s.kind === 'event' && s.event.containerId === ctr.id ? [s.event] : [],
      );
    const wanted = ['start', 'rename', 'connect', 'disconnect', 'die'];
    await waitFor('all events of the container', () => {
      const actions = mine().map((e) => e.action);
      return wanted.every((a) => actions.includes(a));
    });
    stop.abort();
    await watching;

    const events = mine();
    const actions = events.map((e) => e.action);
    assert.equal(signals[0]?.kind, 'resync');
    assert.ok(actions.indexOf('start') < actions.indexOf('die'), actions.join(','));
    for (const e of events) assert.match(e.timeNano, /^\d{19}$/);
    const connect = events.find(
      (e) => e.action === 'connect' && e.attributes['name'] === other.name,
    );
    assert.equal(connect?.type, 'network');
  });
});
