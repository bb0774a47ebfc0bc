/**
 * whalewall keeps running through a restart of the Docker engine: it resumes the event stream,
 * lists every container again, and enforces what came back while dropping what did not.
 *
 * Restarting dockerd stops every container on the host, so this runs only against the dockerd
 * that test/setup/host.sh started (as in CI); against any other, the test is skipped and says why.
 */
import { ok, strictEqual } from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createDualStackNetwork,
  removeTestObjects,
  waitFor,
  isRunning,
  type TestContainer,
  type TestNetwork,
} from '../helpers/docker.ts';
import { removeDataDir, startDaemon, type DaemonHandle } from '../helpers/daemon.ts';
import { stopQuietly, waitForLog } from '../helpers/daemon-watch.ts';
import { clearWhalewall } from '../helpers/cli.ts';
import { ensureDockerdRunning, ownedDockerd, restartDockerd } from '../helpers/dockerd.ts';
import { waitForKernelDispatch } from '../helpers/expected-table.ts';
import {
  flowsWithPeer,
  runProfile,
  type FlowSet,
  type PlacedContainer,
  type Profile,
} from '../helpers/profiles.ts';
import { expectTraffic } from '../helpers/traffic.ts';

const ALWAYS = { extraArgs: ['--restart', 'always'] };

describe('whalewall run across a dockerd restart', () => {
  const owned = ownedDockerd();
  let net: TestNetwork;
  let peer: TestContainer;
  let daemon: DaemonHandle | undefined;

  function flowsOf(containers: readonly PlacedContainer[]): Promise<FlowSet> {
    return flowsWithPeer(containers, peer, net.name);
  }

  async function place(profile: Profile, extra = {}) {
    return { ...(await runProfile(profile, net.name, extra)), profile };
  }

  before(async () => {
    if (typeof owned === 'string') return;
    net = await createDualStackNetwork();
    peer = await runProfile('peer', net.name, ALWAYS);
  });

  after(async () => {
    if (typeof owned === 'string') return;
    await ensureDockerdRunning(owned);
    await stopQuietly(daemon);
    await removeTestObjects();
    if (daemon !== undefined) {
      await clearWhalewall(daemon.dataDir);
      removeDataDir(daemon.dataDir);
    }
  });

  it('reconnects and enforces the containers that came back and those started after', async (t) => {
    if (typeof owned === 'string') {
      t.skip(`not restarting a dockerd this test run does not own: ${owned}`);
      return;
    }
    daemon = await startDaemon();
    const [back, backDenied, gone] = await Promise.all([
      place('web', ALWAYS),
      place('deny', ALWAYS),
      place('web'),
    ]);
    await waitForKernelDispatch([back.name, backDenied.name, gone.name], [net]);

    const resyncsBefore = daemon.logs().filter((l) => l.msg === 'resync with docker').length;
    await restartDockerd(owned);
    for (const c of [peer, back, backDenied]) {
      await waitFor(`${c.name} to be restarted by dockerd`, () => isRunning(c.name), {
        timeoutMs: 30_000,
      });
    }
    const running = daemon;
    await waitForLog(
      running,
      'the daemon to resync with the restarted engine',
      () => running.logs().filter((l) => l.msg === 'resync with docker').length > resyncsBefore,
      60_000,
    );
    const later = await place('web');

    const enabled = [back.name, backDenied.name, gone.name, later.name];
    await waitForKernelDispatch(enabled, [net]);
    await expectTraffic(await flowsOf([back, backDenied, later]));
    strictEqual(await isRunning(gone.name), false);
    ok(
      running
        .logs()
        .some((l) => l.msg === 'container released' && l['container.name'] === gone.name),
    );
    strictEqual(await Promise.race([running.exited(), Promise.resolve('running')]), 'running');
  });
});
