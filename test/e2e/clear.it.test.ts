/**
 * `whalewall clear` takes away everything whalewall put into the kernel and nothing else: no
 * table of its own remains, Docker's tables are as they were, and the containers it filtered are
 * reachable again as if whalewall had never run.
 */
import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createDualStackNetwork,
  removeTestObjects,
  type TestContainer,
  type TestNetwork,
} from '../helpers/docker.ts';
import { readStatus, removeDataDir, startDaemon, type DaemonHandle } from '../helpers/daemon.ts';
import { stopQuietly } from '../helpers/daemon-watch.ts';
import { clearWhalewall } from '../helpers/cli.ts';
import { waitForKernelDispatch } from '../helpers/expected-table.ts';
import { listDockerTables, listRulesetText, listTables } from '../helpers/kernel-table.ts';
import {
  mergeFlows,
  runProfile,
  unfilteredFlows,
  webFlows,
  denyFlows,
} from '../helpers/profiles.ts';
import { addressesOn, expectTraffic } from '../helpers/traffic.ts';

describe('whalewall clear', () => {
  let net: TestNetwork;
  let peer: TestContainer;
  let daemon: DaemonHandle | undefined;

  before(async () => {
    net = await createDualStackNetwork();
    peer = await runProfile('peer', net.name);
  });

  after(async () => {
    await stopQuietly(daemon);
    await removeTestObjects();
    if (daemon !== undefined) {
      await clearWhalewall(daemon.dataDir);
      removeDataDir(daemon.dataDir);
    }
  });

  it('leaves no trace of whalewall, Docker’s own tables as they were, containers reachable', async () => {
    const [web, denied] = await Promise.all([
      runProfile('web', net.name),
      runProfile('deny', net.name),
    ]);
    const dockerBefore = await listDockerTables();
    daemon = await startDaemon();
    await waitForKernelDispatch([web.name, denied.name], [net]);
    const [peerAddr, webAddr, deniedAddr] = await Promise.all([
      addressesOn(peer.name, net.name),
      addressesOn(web.name, net.name),
      addressesOn(denied.name, net.name),
    ]);
    await expectTraffic(
      mergeFlows(
        webFlows(web.name, webAddr, peer.name, peerAddr),
        denyFlows(denied.name, deniedAddr, peer.name, peerAddr),
      ),
    );
    await daemon.stop();
    const tablesBefore = await listTables();
    ok(tablesBefore.includes('inet whalewall'), 'whalewall had no table to clear');

    const result = await clearWhalewall(daemon.dataDir);
    ok(result.stdout.includes('removed table inet whalewall'), result.stdout);

    deepStrictEqual(
      await listTables(),
      tablesBefore.filter((t) => t !== 'inet whalewall'),
    );
    strictEqual(/whalewall/u.exec(await listRulesetText()), null);
    strictEqual(await listDockerTables(), dockerBefore);
    deepStrictEqual(await readStatus(daemon.dataDir), []);
    await expectTraffic(
      mergeFlows(
        unfilteredFlows(web.name, webAddr, peer.name, peerAddr),
        unfilteredFlows(denied.name, deniedAddr, peer.name, peerAddr),
      ),
    );
  });
});
