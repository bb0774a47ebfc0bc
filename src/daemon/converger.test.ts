import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { ContainerInfo } from '../docker/types.ts';
import { openStateStore } from '../state/store.ts';
import type { StateStore } from '../state/types.ts';
import { Converger } from './converger.ts';
import { FakeKernel } from './fake-kernel.ts';

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

function container(id: string, name: string, labels: Record<string, string>): ContainerInfo {
  const n = id === ID_A ? 2 : 3;
  return {
    id,
    name,
    labels,
    running: true,
    networkMode: 'bridge',
    networks: [
      {
        networkId: 'net1',
        networkName: 'bridge',
        ipv4: `10.1.0.${n}`,
        ipv6: `fd00:1::${n}`,
        gatewayV4: '10.1.0.1',
        gatewayV6: 'fd00:1::1',
      },
    ],
    ports: [],
  };
}

const HTTPS_OUT = {
  'whalewall.enabled': 'true',
  'whalewall.rules': 'output:\n  - proto: tcp\n    dst_ports: [443]\n',
};

describe('Converger', () => {
  let dir: string;
  let state: StateStore;
  let kernel: FakeKernel;
  let converger: Converger;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ww-converger-'));
    state = openStateStore(dir);
    kernel = new FakeKernel();
    converger = new Converger({ firewall: kernel, state, logger: pino({ level: 'silent' }) });
  });

  afterEach(() => {
    state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives an enabled container a chain and maps both of its addresses to it', async () => {
    await converger.converge([container(ID_A, 'api', HTTPS_OUT)]);
    const chain = kernel.ruleset.chains.find((c) => c.name.endsWith(ID_A.slice(0, 12)));
    assert.ok(chain, 'no chain for the container');
    assert.ok(chain.rules.length > 1, 'the chain holds only its drop rule');
    const addrs = kernel.ruleset.elements.filter((e) => e.chain === chain.name).map((e) => e.addr);
    assert.deepEqual(addrs.sort(), ['10.1.0.2', 'fd00:1::2']);
    const record = state.getContainer(ID_A);
    assert.equal(record?.status, 'enforced');
    assert.equal(record.ruleCount, chain.rules.length);
  });

  it('leaves containers without whalewall.enabled alone', async () => {
    await converger.converge([container(ID_A, 'plain', {})]);
    assert.equal(kernel.applied.length, 0);
    assert.equal(state.listContainers().length, 0);
  });

  it('quarantines a container with invalid rules and keeps where the problem is', async () => {
    const labels = {
      'whalewall.enabled': 'true',
      'whalewall.rules': 'output:\n  - proto: tcp\n    dst_ports: [70000]\n',
    };
    await converger.converge([container(ID_A, 'broken', labels)]);
    const chain = kernel.ruleset.chains.find((c) => c.name.endsWith(ID_A.slice(0, 12)));
    assert.equal(chain?.rules.length, 1, 'a quarantined chain holds only the drop rule');
    assert.equal(chain.rules[0]?.verdict.kind, 'drop');
    const record = state.getContainer(ID_A);
    assert.equal(record?.status, 'quarantined');
    const reason = record.reasons[0];
    assert.equal(reason?.code, 'ERR_LABEL_VALUE');
    assert.equal(reason.path, 'output[0].dst_ports[0]');
    assert.equal(reason.line, 3);
  });

  it('quarantines a container whose whalewall.enabled is neither true nor false', async () => {
    await converger.converge([container(ID_A, 'typo', { 'whalewall.enabled': 'ture' })]);
    assert.equal(state.getContainer(ID_A)?.status, 'quarantined');
    assert.equal(kernel.ruleset.elements.length, 2);
  });

  it('removes the chain, the addresses and the record of a container that is gone', async () => {
    await converger.converge([
      container(ID_A, 'api', HTTPS_OUT),
      container(ID_B, 'web', HTTPS_OUT),
    ]);
    await converger.converge([container(ID_B, 'web', HTTPS_OUT)]);
    assert.equal(kernel.ruleset.chains.length, 1);
    assert.ok(kernel.ruleset.elements.every((e) => e.chain.endsWith(ID_B.slice(0, 12))));
    assert.equal(state.getContainer(ID_A), undefined);
    assert.equal(state.historyOf(ID_A)[0]?.kind, 'removed');
  });

  it('applies nothing when nothing changed', async () => {
    const infos = [container(ID_A, 'api', HTTPS_OUT)];
    await converger.converge(infos);
    await converger.converge(infos);
    assert.equal(kernel.applied.length, 1);
  });

  it('denies everything to a container whose transaction the kernel rejects, until it changes', async () => {
    kernel.reject = (change) =>
      change.addChains.some((c) => c.rules.length > 1) ? 'Could not process rule' : undefined;
    const infos = [container(ID_A, 'api', HTTPS_OUT)];
    await converger.converge(infos);
    const record = state.getContainer(ID_A);
    assert.equal(record?.status, 'quarantined');
    assert.equal(record.reasons[0]?.code, 'ERR_NFT_APPLY');
    assert.equal(kernel.ruleset.chains[0]?.rules.length, 1);

    kernel.reject = () => undefined;
    await converger.converge(infos);
    assert.equal(state.getContainer(ID_A)?.status, 'quarantined', 'retried the same rules');
    const renamed = { ...container(ID_A, 'api', HTTPS_OUT), name: 'api-2' };
    await converger.converge([renamed]);
    assert.equal(state.getContainer(ID_A)?.status, 'enforced');
  });

  it('repairs a chain that something else deleted once the kernel is read again', async () => {
    const infos = [container(ID_A, 'api', HTTPS_OUT)];
    await converger.converge(infos);
    const intact = kernel.ruleset;
    kernel.ruleset = { ...intact, chains: [], elements: [] };
    await converger.converge(infos);
    assert.equal(kernel.ruleset.chains.length, 0, 'the kernel was read although not stale');
    converger.markKernelStale();
    await converger.converge(infos);
    assert.deepEqual(kernel.ruleset.chains, intact.chains);
    assert.equal(kernel.ruleset.elements.length, intact.elements.length);
  });
});
