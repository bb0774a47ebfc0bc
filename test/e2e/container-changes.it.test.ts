/**
 * Changes Docker makes to a running container reach the kernel: another network, a new name, and
 * an address that a dead container leaves behind for the next one.
 */
import { deepStrictEqual, ok } from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createDualStackNetwork,
  docker,
  removeTestObjects,
  runTestContainer,
  uniqueName,
  type TestContainer,
  type TestNetwork,
} from '../helpers/docker.ts';
import {
  readStatus,
  removeDataDir,
  startDaemon,
  waitForStatus,
  type DaemonHandle,
} from '../helpers/daemon.ts';
import { stopQuietly } from '../helpers/daemon-watch.ts';
import { clearWhalewall } from '../helpers/cli.ts';
import { waitForKernelDispatch } from '../helpers/expected-table.ts';
import { chainNameOf, requireKernelTable } from '../helpers/kernel-table.ts';
import {
  denyFlows,
  runProfile,
  unfilteredFlows,
  webFlows,
  type Profile,
} from '../helpers/profiles.ts';
import { addressesOn, expectTraffic, type Addresses } from '../helpers/traffic.ts';

/** How long a Docker change may take to reach the kernel. */
const CHANGE_DEADLINE_MS = 10_000;

describe('whalewall run following container changes', () => {
  let netA: TestNetwork;
  let netB: TestNetwork;
  let peerA: TestContainer;
  let peerB: TestContainer;
  let daemon: DaemonHandle | undefined;
  const dataDirs: string[] = [];
  /** Every enabled container of this file, by ID (names change here). */
  const enabled: string[] = [];

  async function place(profile: Profile, network: TestNetwork, extraArgs: string[] = []) {
    const c = await runProfile(profile, network.name, { extraArgs });
    enabled.push(c.id);
    return c;
  }

  async function start(dataDir?: string): Promise<DaemonHandle> {
    const d = await startDaemon(dataDir === undefined ? {} : { dataDir });
    if (!dataDirs.includes(d.dataDir)) dataDirs.push(d.dataDir);
    daemon = d;
    return d;
  }

  /** Addresses in `net` that no container holds yet: above the ones Docker hands out first. */
  function spareAddresses(net: TestNetwork, host: number): Addresses {
    return {
      v4: net.subnetV4.replace(/0\/24$/u, String(host)),
      v6: net.subnetV6.replace(/\/64$/u, host.toString(16)),
    };
  }

  before(async () => {
    [netA, netB] = await Promise.all([createDualStackNetwork(), createDualStackNetwork()]);
    [peerA, peerB] = await Promise.all([
      runProfile('peer', netA.name),
      runProfile('peer', netB.name),
    ]);
    await start();
  });

  after(async () => {
    await stopQuietly(daemon);
    await removeTestObjects();
    for (const dir of dataDirs) {
      await clearWhalewall(dir);
      removeDataDir(dir);
    }
  });

  it('filters a container on the addresses of a network it joins, and forgets them when it leaves', async () => {
    const web = await place('web', netA);
    await waitForKernelDispatch(enabled, [netA, netB]);

    await docker(['network', 'connect', netB.name, web.id]);
    await waitForKernelDispatch(enabled, [netA, netB], CHANGE_DEADLINE_MS);
    const onB = await addressesOn(web.id, netB.name);
    const peerBAddr = await addressesOn(peerB.name, netB.name);
    await expectTraffic(webFlows(web.name, onB, peerB.name, peerBAddr));

    await docker(['network', 'disconnect', netB.name, web.id]);
    await waitForKernelDispatch(enabled, [netA, netB], CHANGE_DEADLINE_MS);

    // The left address, taken by a container without whalewall, is judged by no chain at all.
    const heir = await runTestContainer({
      kind: 'heir',
      network: netB.name,
      listen: [80, 81],
      extraArgs: ['--ip', onB.v4, '--ip6', onB.v6],
    });
    await expectTraffic(unfilteredFlows(heir.name, onB, peerB.name, peerBAddr));
  });

  it('keeps a renamed container enforced under a chain with its new name', async () => {
    const web = await place('web', netA);
    await waitForKernelDispatch(enabled, [netA, netB]);
    const oldChain = chainNameOf(web);

    const newName = uniqueName('renamed');
    await docker(['rename', web.name, newName]);
    await waitForKernelDispatch(enabled, [netA, netB], CHANGE_DEADLINE_MS);
    const table = await requireKernelTable();
    ok(table.chains[chainNameOf({ name: newName, id: web.id })] !== undefined);
    ok(table.chains[oldChain] === undefined, `${oldChain} is still in the kernel`);

    const [addr, peerAddr] = await Promise.all([
      addressesOn(web.id, netA.name),
      addressesOn(peerA.name, netA.name),
    ]);
    await expectTraffic(webFlows(newName, addr, peerA.name, peerAddr));
    const entry = await waitForStatus(dataDirs[0] ?? '', newName, 'enforced');
    deepStrictEqual([entry.id, entry.addresses], [web.id, 2]);
    ok(!(await readStatus(dataDirs[0] ?? '')).some((e) => e.name === web.name));
  });

  it('judges a new container that takes a dead one’s address by its own chain', async () => {
    const reused = spareAddresses(netA, 200);
    const pinned = ['--ip', reused.v4, '--ip6', reused.v6];
    const peerAddr = await addressesOn(peerA.name, netA.name);

    const dead = await place('web', netA, pinned);
    await waitForKernelDispatch(enabled, [netA, netB]);
    await expectTraffic(webFlows(dead.name, reused, peerA.name, peerAddr));
    await docker(['kill', dead.name]);
    const heir = await place('deny', netA, pinned);

    await waitForKernelDispatch(enabled, [netA, netB], CHANGE_DEADLINE_MS);
    await expectTraffic(denyFlows(heir.name, reused, peerA.name, peerAddr));
  });

  it('judges an address reused while whalewall was stopped by the new container’s chain', async () => {
    const reused = spareAddresses(netA, 201);
    const pinned = ['--ip', reused.v4, '--ip6', reused.v6];
    const peerAddr = await addressesOn(peerA.name, netA.name);
    const dead = await place('web', netA, pinned);
    await waitForKernelDispatch(enabled, [netA, netB]);

    const dataDir = daemon?.dataDir;
    await daemon?.stop();
    await docker(['kill', dead.name]);
    const heir = await place('deny', netA, pinned);
    await start(dataDir);

    await waitForKernelDispatch(enabled, [netA, netB]);
    await expectTraffic(denyFlows(heir.name, reused, peerA.name, peerAddr));
  });
});
