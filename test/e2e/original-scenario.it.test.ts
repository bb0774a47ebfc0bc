/**
 * The original project's integration scenario on a real Docker engine, with real packets, over
 * IPv4 and IPv6: first as is, then across `stop`/`start` of each container with whalewall running,
 * and again with whalewall stopped while the containers change.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { docker, execIn } from '../helpers/docker.ts';
import { createComposeProject, type ComposeProject } from '../helpers/compose.ts';
import {
  buildDaemonImage,
  readStatus,
  removeDataDir,
  startDaemon,
  type DaemonMode,
  waitForRelease,
  waitForStatus,
  type DaemonHandle,
} from '../helpers/daemon.ts';
import { createInternet, type Internet } from '../helpers/internet.ts';
import { containerChains } from '../helpers/kernel.ts';
import { clearWhalewall } from '../helpers/cli.ts';
import { NetnsAgent } from '../helpers/netns.ts';
import {
  INTERNET_ADDRESSES,
  INTERNET_PORTS,
  NET,
  PROBES,
  composeFile,
  type Family,
  type Probe,
} from './fixtures/original-scenario.ts';

const PROJECT = `wwtest${process.pid}`;
const OPEN_MS = 3000;
const CLOSED_MS = 1000;

interface World {
  project: ComposeProject;
  internet: Internet;
  hostAgent: NetnsAgent;
  daemon: DaemonHandle | undefined;
  dataDir: string;
  mode: DaemonMode;
}

const world = {} as World;

function containerName(service: 'client' | 'server'): string {
  return `${PROJECT}_${service}_1`;
}

async function containerAddress(service: 'client' | 'server', family: Family): Promise<string> {
  const field = family === 'v4' ? 'IPAddress' : 'GlobalIPv6Address';
  const format = `{{(index .NetworkSettings.Networks "${PROJECT}_default").${field}}}`;
  return docker(['inspect', '-f', format, containerName(service)]);
}

async function destination(probe: Probe, family: Family): Promise<string> {
  switch (probe.to.kind) {
    case 'net':
      return NET[probe.to.addr][family];
    case 'container':
      return containerAddress(probe.to.name, family);
    case 'loopback':
      return family === 'v4' ? '127.0.0.1' : '::1';
    case 'host-link':
      return family === 'v4' ? world.internet.hostV4 : world.internet.hostV6;
  }
}

async function isOpenOnce(probe: Probe, host: string, timeoutMs: number): Promise<boolean> {
  const spec = { proto: probe.proto, host, port: probe.port, timeoutMs };
  switch (probe.from) {
    case 'client':
    case 'server': {
      const argv = ['ww-probe', probe.proto, host, String(probe.port), String(timeoutMs)];
      return execIn(containerName(probe.from), argv).then(
        () => true,
        () => false,
      );
    }
    case 'host':
      return (await world.hostAgent.probe(spec)) === 'replied';
    case 'external':
      return (await world.internet.agent.probe(spec)) === 'replied';
  }
}

/** An open path gets a second try (a first IPv6 packet may wait for neighbour discovery). */
async function isOpen(probe: Probe, family: Family): Promise<boolean> {
  const host = await destination(probe, family);
  if (!probe.open) return isOpenOnce(probe, host, CLOSED_MS);
  return (await isOpenOnce(probe, host, OPEN_MS)) || isOpenOnce(probe, host, OPEN_MS);
}

async function checkMatrix(): Promise<void> {
  const failures: string[] = [];
  const cases = PROBES.flatMap((p) => (['v4', 'v6'] as const).map((f) => [p, f] as const));
  for (let i = 0; i < cases.length; i += 6) {
    await Promise.all(
      cases.slice(i, i + 6).map(async ([probe, family]) => {
        const open = await isOpen(probe, family);
        if (open === probe.open) return;
        const what = `${probe.from} → ${probe.proto} ${probe.to.kind}:${probe.port} (${family})`;
        failures.push(`${what} was ${open ? 'open' : 'closed'}; expected ${probe.why}`);
      }),
    );
  }
  assert.deepEqual(failures, []);
}

async function waitEnforced(...services: ('client' | 'server')[]): Promise<void> {
  for (const s of services) await waitForStatus(world.dataDir, containerName(s), 'enforced');
}

async function waitReleased(...services: ('client' | 'server')[]): Promise<void> {
  for (const s of services) await waitForRelease(world.dataDir, containerName(s));
}

async function chainsOf(): Promise<string[]> {
  const ids = await Promise.all(
    (['client', 'server'] as const).map(async (s) => {
      const id = await docker(['inspect', '-f', '{{.Id}}', containerName(s)]);
      return [s, id.slice(0, 12)] as const;
    }),
  );
  const chains = containerChains();
  return ids.filter(([, id]) => chains.some((c) => c.endsWith(id))).map(([s]) => s);
}

async function startWhalewall(): Promise<void> {
  world.daemon = await startDaemon({ dataDir: world.dataDir, mode: world.mode });
}

async function stopWhalewall(): Promise<void> {
  const code = await world.daemon?.stop();
  world.daemon = undefined;
  assert.equal(code, 0, 'whalewall did not exit cleanly on SIGTERM');
}

const LIFECYCLE = [
  { action: ['stop', 'server'], enforced: ['client'], released: ['server'] },
  { action: ['stop', 'client'], enforced: [], released: ['client', 'server'] },
  { action: ['start', 'client'], enforced: ['client'], released: ['server'] },
  { action: ['start', 'server'], enforced: ['client', 'server'], released: [] },
] as const;

const MODES: readonly [DaemonMode, string][] = [
  ['unprivileged', 'as a user holding only CAP_NET_ADMIN, sandboxed'],
  ['image', 'in its container image with --cap-drop ALL --cap-add NET_ADMIN, sandboxed'],
];

for (const [mode, how] of MODES) {
  describe(`the original integration scenario, whalewall running ${how}`, () => {
    before(async () => {
      world.mode = mode;
      if (mode === 'image') await buildDaemonImage();
      const b = randomInt(0, 256);
      const subnetV4 = `10.219.${b}.0/24`;
      const subnetV6 = `fd00:77:219:${b.toString(16)}::/64`;
      world.project = createComposeProject(PROJECT, composeFile(subnetV4, subnetV6));
      world.internet = await createInternet({
        addresses: INTERNET_ADDRESSES,
        ports: INTERNET_PORTS,
      });
      world.hostAgent = new NetnsAgent(undefined);
      await world.hostAgent.ready;
      const started = await startDaemon({ mode });
      world.daemon = started;
      world.dataDir = started.dataDir;
      await world.project.run(['up', '-d']);
      await waitEnforced('client', 'server');
    });

    // Each step may be missing when `before` failed part-way; clean up whatever exists.
    after(async () => {
      const made: Partial<World> = world;
      await made.daemon?.stop();
      await made.project?.remove();
      made.hostAgent?.close();
      made.internet?.close();
      if (made.dataDir !== undefined) {
        await clearWhalewall(made.dataDir);
        removeDataDir(made.dataDir);
      }
      Object.assign(world, { daemon: undefined, project: undefined, hostAgent: undefined });
      Object.assign(world, { internet: undefined, dataDir: undefined });
    });

    it('allows exactly what the labels say, over IPv4 and IPv6', async () => {
      await checkMatrix();
    });

    it('follows stop and start of each container while whalewall runs', async () => {
      for (const step of LIFECYCLE) {
        await world.project.run(step.action);
        await waitEnforced(...step.enforced);
        await waitReleased(...step.released);
        assert.deepEqual(await chainsOf(), step.enforced, `chains after ${step.action.join(' ')}`);
      }
      await checkMatrix();
    });

    it('catches up with stops and starts made while whalewall was stopped', async () => {
      for (const step of LIFECYCLE) {
        await stopWhalewall();
        await world.project.run(step.action);
        await startWhalewall();
        await waitEnforced(...step.enforced);
        await waitReleased(...step.released);
        assert.deepEqual(await chainsOf(), step.enforced, `chains after ${step.action.join(' ')}`);
      }
      await checkMatrix();
    });

    it('keeps the state of both containers in `whalewall status`', async () => {
      const status = await readStatus(world.dataDir);
      const names = status.map((s) => s.name).sort();
      assert.deepEqual(names, [containerName('client'), containerName('server')]);
      for (const entry of status) assert.equal(entry.addresses, 2, `${entry.name} addresses`);
    });
  });
}
