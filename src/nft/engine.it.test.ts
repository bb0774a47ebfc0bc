/**
 * The engine against the real kernel, inside a network namespace of this test's own: every case
 * of the policy fixtures is applied and read back, atomicity and drift repair are checked, and
 * the host's ruleset is shown to be untouched. Needs root.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WhalewallError } from '../errors.ts';
import { CASES } from '../policy/fixtures/cases.ts';
import { C1, NET4, NET6 } from '../policy/fixtures/containers.ts';
import { canonicalJson, diffRulesets, EMPTY_RULESET, isEmptyChangeSet } from '../policy/index.ts';
import { planRuleset } from '../policy/plan.ts';
import {
  createNetns,
  deleteNetns,
  enterNetns,
  holdCurrentNetns,
  run,
  runInHeldNetns,
} from '../../test/helpers/netns.ts';
import { NftFirewall } from './firewall.ts';

const NS = `ww-engine-${process.pid}`;
const digest = (text: string) => createHash('sha256').update(text).digest('hex');

describe('NftFirewall in a namespace of its own', () => {
  let fw: NftFirewall;
  let hostNs: number;
  let hostBefore: string;
  let dir: string;
  let chainsFile: string;

  before(() => {
    hostNs = holdCurrentNetns();
    hostBefore = digest(runInHeldNetns(hostNs, ['nft', 'list', 'ruleset']));
    createNetns(NS);
    enterNetns(NS);
    fw = new NftFirewall();
    dir = mkdtempSync(join(tmpdir(), 'ww-engine-'));
    chainsFile = join(dir, 'chains.nft');
    writeFileSync(chainsFile, '# targets of verdict.chain\nchain audit {\n  counter accept\n}\n');
  });

  after(() => {
    fw.close();
    deleteNetns(NS);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(digest(runInHeldNetns(hostNs, ['nft', 'list', 'ruleset'])), hostBefore);
  });

  for (const net of [NET4, NET6]) {
    for (const spec of CASES.filter((c) => c.kernel !== false)) {
      it(`reads back "${spec.name}" (${net.ip}) exactly as planned`, async () => {
        const c = spec.build(net);
        const { desired } = planRuleset(c.containers, c.options);
        await fw.clear();
        await fw.ensureBase({ chainsFile });
        await fw.apply(diffRulesets(desired, EMPTY_RULESET));
        const back = await fw.readApplied();
        assert.equal(canonicalJson(back), canonicalJson(desired));
        assert.ok(isEmptyChangeSet(diffRulesets(desired, back)));
      });
    }
  }

  it('changes nothing when a transaction fails part-way', async () => {
    const ok = planRuleset(CASES[1]?.build(NET4).containers ?? []).desired;
    await fw.clear();
    await fw.ensureBase({});
    await fw.apply(diffRulesets(ok, EMPTY_RULESET));
    const before = await fw.listText();
    const queued = planRuleset(CASES[6]?.build(NET6).containers ?? []).desired;
    const bad = diffRulesets({ ...queued, chains: [...queued.chains] }, ok);
    await assert.rejects(
      fw.apply(bad),
      (e) => e instanceof WhalewallError && e.code === 'ERR_NFT_APPLY',
    );
    assert.equal(await fw.listText(), before);
  });

  it('finds a rule added by hand and removes it on repair', async () => {
    const desired = planRuleset(CASES[1]?.build(NET4).containers ?? []).desired;
    await fw.clear();
    await fw.ensureBase({});
    await fw.apply(diffRulesets(desired, EMPTY_RULESET));
    run(undefined, [
      'nft',
      'insert',
      'rule',
      'inet',
      'whalewall',
      C1,
      'ip',
      'saddr',
      '10.9.9.9',
      'accept',
    ]);
    const drift = diffRulesets(desired, await fw.readApplied());
    assert.deepEqual(
      drift.replaceChains.map((c) => c.name),
      [C1],
    );
    await fw.apply(drift);
    assert.ok(isEmptyChangeSet(diffRulesets(desired, await fw.readApplied())));
  });

  it('keeps container chains when ensureBase runs again, and clear deletes only its table', async () => {
    const desired = planRuleset(CASES[1]?.build(NET4).containers ?? []).desired;
    await fw.clear();
    await fw.ensureBase({});
    await fw.apply(diffRulesets(desired, EMPTY_RULESET));
    await fw.ensureBase({});
    assert.ok(isEmptyChangeSet(diffRulesets(desired, await fw.readApplied())));
    run(undefined, ['nft', 'add', 'table', 'inet', 'bystander']);
    await fw.clear();
    assert.match(run(undefined, ['nft', 'list', 'tables']), /^table inet bystander\n$/u);
    run(undefined, ['nft', 'delete', 'table', 'inet', 'bystander']);
    assert.equal(canonicalJson(await fw.readApplied()), canonicalJson(EMPTY_RULESET));
  });

  it('rejects a chains file whose rule nft cannot parse, naming the file', async () => {
    const broken = join(dir, 'broken.nft');
    writeFileSync(broken, 'chain audit {\n  bogus statement\n}\n');
    await assert.rejects(fw.ensureBase({ chainsFile: broken }), (e) => {
      return (
        e instanceof WhalewallError &&
        e.code === 'ERR_NFT_CHAINS_FILE' &&
        e.message.includes(broken)
      );
    });
  });
});
