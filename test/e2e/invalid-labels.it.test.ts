/**
 * An enabled container whose labels cannot be read is denied everything, and the operator can
 * find out why: the status names the code, the label, the YAML path, the line and the column.
 */
import { deepStrictEqual, ok } from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createDualStackNetwork,
  removeTestObjects,
  type TestContainer,
  type TestNetwork,
} from '../helpers/docker.ts';
import { removeDataDir, startDaemon, waitForStatus, type DaemonHandle } from '../helpers/daemon.ts';
import { stopQuietly } from '../helpers/daemon-watch.ts';
import { clearWhalewall } from '../helpers/cli.ts';
import { waitForKernelDispatch } from '../helpers/expected-table.ts';
import { denyFlows, mergeFlows, profileOptions, runProfile } from '../helpers/profiles.ts';
import { addressesOn, expectTraffic } from '../helpers/traffic.ts';

/** A valid rule for port 80 next to an invalid port: the valid one must not open anything. */
const BAD_PORT_RULES = `output:
  - proto: tcp
    dst_ports: [80, 70000]
  - proto: udp
    dst_ports: [80]
`;

describe('whalewall run with invalid labels', () => {
  let net: TestNetwork;
  let peer: TestContainer;
  let daemon: DaemonHandle | undefined;

  before(async () => {
    net = await createDualStackNetwork();
    peer = await runProfile('peer', net.name);
    daemon = await startDaemon();
  });

  after(async () => {
    await stopQuietly(daemon);
    await removeTestObjects();
    if (daemon !== undefined) {
      await clearWhalewall(daemon.dataDir);
      removeDataDir(daemon.dataDir);
    }
  });

  it('denies everything to containers with a bad port or a misspelt enabled, and says where', async () => {
    const dataDir = daemon?.dataDir ?? '';
    const web = profileOptions('web');
    const [badPort, misspelt] = await Promise.all([
      runProfile('web', net.name, {
        kind: 'badport',
        labels: { 'whalewall.enabled': 'true', 'whalewall.rules': BAD_PORT_RULES },
      }),
      runProfile('web', net.name, {
        kind: 'ture',
        labels: { ...web.labels, 'whalewall.enabled': 'ture' },
      }),
    ]);

    const portEntry = await waitForStatus(dataDir, badPort.name, 'quarantined');
    deepStrictEqual(
      portEntry.reasons.map((r) => ({ ...r, message: undefined })),
      [
        {
          code: 'ERR_LABEL_VALUE',
          label: 'whalewall.rules',
          path: 'output[0].dst_ports[1]',
          line: 3,
          column: 21,
          message: undefined,
        },
      ],
    );
    ok(portEntry.reasons[0]?.message.includes('70000'), portEntry.reasons[0]?.message);

    const enabledEntry = await waitForStatus(dataDir, misspelt.name, 'quarantined');
    deepStrictEqual(
      enabledEntry.reasons.map((r) => [r.code, r.label, r.path, r.line, r.column]),
      [['ERR_LABEL_ENABLED', 'whalewall.enabled', '', 1, 1]],
    );
    ok(enabledEntry.reasons[0]?.message.includes('"ture"'), enabledEntry.reasons[0]?.message);

    await waitForKernelDispatch([badPort.name, misspelt.name], [net]);
    const peerAddr = await addressesOn(peer.name, net.name);
    const [portAddr, misspeltAddr] = await Promise.all([
      addressesOn(badPort.name, net.name),
      addressesOn(misspelt.name, net.name),
    ]);
    await expectTraffic(
      mergeFlows(
        denyFlows(badPort.name, portAddr, peer.name, peerAddr),
        denyFlows(misspelt.name, misspeltAddr, peer.name, peerAddr),
      ),
    );
  });
});
