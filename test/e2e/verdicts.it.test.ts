/**
 * Rule kinds beyond allow-lists, with real packets over IPv4 and IPv6: `verdict.chain` jumping into
 * a chain the operator declared in a chains file, and `proto: icmp` / `icmpv6` without ports.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDualStackNetwork,
  execIn,
  removeTestObjects,
  runTestContainer,
  type TestContainer,
} from '../helpers/docker.ts';
import {
  newDataDir,
  removeDataDir,
  startDaemon,
  waitForStatus,
  type DaemonHandle,
} from '../helpers/daemon.ts';
import { createInternet, type Internet } from '../helpers/internet.ts';
import { whalewallTable } from '../helpers/kernel.ts';
import { clearWhalewall } from '../helpers/cli.ts';

const AUDITED = { v4: '10.180.1.81', v6: 'fd00:180:1::81' };
const OTHER = { v4: '10.180.1.80', v6: 'fd00:180:1::80' };
const FAMILIES = ['v4', 'v6'] as const;

/** The operator's chain: accepts both directions of traffic with one peer, returns otherwise. */
const CHAINS_FILE = `# targets of verdict.chain
chain audit {
  ip daddr ${AUDITED.v4} accept
  ip saddr ${AUDITED.v4} accept
  ip6 daddr ${AUDITED.v6} accept
  ip6 saddr ${AUDITED.v6} accept
}
`;

const JUMP_RULES = `output:
  - proto: tcp
    dst_ports: [443]
    verdict:
      chain: audit
`;

const ICMP_RULES = `output:
  - proto: icmp
  - proto: icmpv6
`;

async function tcpOpen(c: TestContainer, host: string, port: number, ms: number): Promise<boolean> {
  const argv = ['ww-probe', 'tcp', host, String(port), String(ms)];
  return execIn(c.name, argv).then(
    () => true,
    () => false,
  );
}

async function pings(c: TestContainer, host: string): Promise<boolean> {
  const argv = ['ping', ...(host.includes(':') ? ['-6'] : []), '-c', '1', '-W', '2', host];
  return execIn(c.name, argv).then(
    () => true,
    () => false,
  );
}

describe('chain verdicts and ICMP rules', () => {
  let internet: Internet;
  let daemon: DaemonHandle;
  let jumper: TestContainer;
  let pinger: TestContainer;
  let denied: TestContainer;

  before(async () => {
    internet = await createInternet({
      addresses: [AUDITED.v4, AUDITED.v6, OTHER.v4, OTHER.v6],
      ports: [443],
    });
    const dataDir = newDataDir();
    const chainsFile = join(dataDir, 'chains.nft');
    writeFileSync(chainsFile, CHAINS_FILE);
    daemon = await startDaemon({ dataDir, args: ['--no-sandbox', '--chains-file', chainsFile] });
    const net = await createDualStackNetwork();
    const enabled = { 'whalewall.enabled': 'true' };
    jumper = await runTestContainer({
      kind: 'jump',
      network: net.name,
      labels: { ...enabled, 'whalewall.rules': JUMP_RULES },
    });
    pinger = await runTestContainer({
      kind: 'ping',
      network: net.name,
      labels: { ...enabled, 'whalewall.rules': ICMP_RULES },
    });
    denied = await runTestContainer({ kind: 'deny', network: net.name, labels: enabled });
    for (const c of [jumper, pinger, denied]) {
      await waitForStatus(daemon.dataDir, c.name, 'enforced');
    }
  });

  after(async () => {
    await daemon.stop();
    await removeTestObjects();
    internet.close();
    await clearWhalewall(daemon.dataDir);
    removeDataDir(daemon.dataDir);
  });

  it('loads the operator chain into whalewall table and jumps to it', () => {
    const table = whalewallTable() ?? '';
    assert.match(table, /chain audit \{/);
    assert.match(table, /tcp dport 443 .*jump audit/);
  });

  for (const family of FAMILIES) {
    it(`lets the operator chain accept a flow and its replies (${family})`, async () => {
      assert.ok(await tcpOpen(jumper, AUDITED[family], 443, 3000), 'audited peer unreachable');
    });

    it(`falls back to the container's drop when the chain returns (${family})`, async () => {
      assert.ok(await tcpOpen(jumper, AUDITED[family], 443, 3000), 'control probe failed');
      assert.equal(await tcpOpen(jumper, OTHER[family], 443, 1000), false);
    });

    it(`allows ping with proto icmp/icmpv6 and nothing else (${family})`, async () => {
      const host = family === 'v4' ? internet.nsV4 : internet.nsV6;
      assert.ok(await pings(pinger, host), 'ping was dropped');
      assert.equal(await tcpOpen(pinger, AUDITED[family], 443, 1000), false);
    });

    it(`drops ping from a container without an ICMP rule (${family})`, async () => {
      const host = family === 'v4' ? internet.nsV4 : internet.nsV6;
      assert.ok(await pings(pinger, host), 'control ping failed');
      assert.equal(await pings(denied, host), false);
    });
  }
});
