/**
 * The daemon survives its own crash and its own absence: whatever Docker did meanwhile, the next
 * start converges to exactly the rules the running containers call for.
 */
import { deepStrictEqual, ok } from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createDualStackNetwork,
  docker,
  removeTestObjects,
  type TestContainer,
  type TestNetwork,
} from '../helpers/docker.ts';
import {
  newDataDir,
  readStatus,
  removeDataDir,
  startDaemon,
  type DaemonHandle,
} from '../helpers/daemon.ts';
import { linesAbout, stopQuietly, waitForLog } from '../helpers/daemon-watch.ts';
import { clearWhalewall } from '../helpers/cli.ts';
import { waitForKernelDispatch } from '../helpers/expected-table.ts';
import { snapshotKernelTable } from '../helpers/kernel-table.ts';
import {
  flowsWithPeer,
  runProfile,
  type FlowSet,
  type PlacedContainer,
  type Profile,
} from '../helpers/profiles.ts';
import { expectTraffic } from '../helpers/traffic.ts';

interface Placed extends TestContainer {
  readonly profile: Profile;
}

describe('whalewall run after a crash or a stop', () => {
  let net: TestNetwork;
  let peer: TestContainer;
  let daemon: DaemonHandle | undefined;
  const dataDirs: string[] = [];
  /** Every enabled container this file started: the kernel is compared against all of them. */
  const placed: Placed[] = [];
  const placedNames = () => placed.map((c) => c.name);

  function freshDataDir(): string {
    const dir = newDataDir();
    dataDirs.push(dir);
    return dir;
  }

  async function place(profile: Profile): Promise<Placed> {
    const container = { ...(await runProfile(profile, net.name)), profile };
    placed.push(container);
    return container;
  }

  function flowsOf(containers: readonly PlacedContainer[]): Promise<FlowSet> {
    return flowsWithPeer(containers, peer, net.name);
  }

  before(async () => {
    net = await createDualStackNetwork();
    peer = await runProfile('peer', net.name);
  });

  after(async () => {
    await stopQuietly(daemon);
    await removeTestObjects();
    for (const dir of dataDirs) {
      await clearWhalewall(dir);
      removeDataDir(dir);
    }
  });

  it('holds exactly the desired rules after kill -9 in the middle of a burst of starts and stops', async (t) => {
    const dataDir = freshDataDir();
    daemon = await startDaemon({ dataDir });
    const old = await Promise.all((['web', 'web', 'deny', 'web', 'deny'] as const).map(place));
    await waitForKernelDispatch(placedNames(), [net]);

    // The burst: five containers go (stopped or removed) while five others start, all at once.
    const eventsBefore = daemon.logs().filter((l) => l.msg === 'docker event').length;
    const stops = old.map((c, i) =>
      i % 2 === 0 ? docker(['stop', '-t', '1', c.name]) : docker(['rm', '-f', c.name]),
    );
    const starts = (['web', 'deny', 'web', 'web', 'deny'] as const).map(place);
    let finished = 0;
    const burst = Promise.all([...stops, ...starts].map((op) => op.then(() => finished++)));
    burst.catch(() => undefined);

    // Kill once half of the operations are done and the daemon is busy with them.
    const running = daemon;
    await waitForLog(
      running,
      'the daemon to be in the middle of the burst',
      () =>
        finished >= 5 &&
        running.logs().filter((l) => l.msg === 'docker event').length >= eventsBefore + 3,
    );
    await daemon.kill();
    t.diagnostic(`killed with ${finished} of 10 Docker operations finished`);
    ok(finished < 10, 'the burst was over before the daemon was killed');
    const fresh = await Promise.all(starts);
    await burst;

    daemon = await startDaemon({ dataDir });
    const all = [...old, ...fresh];
    await waitForKernelDispatch(placedNames(), [net]);
    await expectTraffic(await flowsOf(fresh));

    const status = await readStatus(dataDir);
    const listed = status.filter((s) => all.some((c) => c.name === s.name));
    deepStrictEqual(
      listed.map((s) => [s.name, s.status]).sort(),
      fresh.map((c) => [c.name, 'enforced']).sort(),
    );

    // Rule for rule, what a daemon starting from nothing (no state, no table) builds.
    await daemon.stop();
    const recovered = await snapshotKernelTable();
    await clearWhalewall(dataDir);
    daemon = await startDaemon({ dataDir: freshDataDir() });
    deepStrictEqual(recovered, await snapshotKernelTable());
  });

  it('converges after being stopped while containers start and stop', async () => {
    await stopQuietly(daemon);
    const dataDir = freshDataDir();
    daemon = await startDaemon({ dataDir });
    const [stays, goes] = await Promise.all([place('web'), place('web')]);
    await waitForKernelDispatch(placedNames(), [net]);
    await daemon.stop();

    // Rules stay in place while whalewall is away.
    await expectTraffic(await flowsOf([stays, goes]));
    const [arrives, denied] = await Promise.all([place('web'), place('deny')]);
    await docker(['stop', '-t', '1', goes.name]);

    daemon = await startDaemon({ dataDir });
    await waitForKernelDispatch(placedNames(), [net]);
    await expectTraffic(await flowsOf([stays, arrives, denied]));
    ok(
      linesAbout(daemon, [goes.name]).some((l) => l.msg === 'container released'),
      `the daemon did not log the release of ${goes.name}`,
    );
  });
});
