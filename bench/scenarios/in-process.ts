/**
 * Scenarios that need no Docker, run in a network namespace of their own (a child process, so
 * the parent stays in the host's namespace): the daemon's own cost from facts to commit with the
 * real converger and kernel (scenario 1, in-process), the two baselines of scenario 2, and the
 * startup reconcile of scenario 5 (in a further child, for a clean RSS figure).
 *
 * Usage: node bench/scenarios/in-process.ts [--quick]; prints one JSON document.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Converger } from '../../src/daemon/converger.ts';
import { NftContext } from '../../src/nft/libnftables.ts';
import { NftFirewall } from '../../src/nft/firewall.ts';
import { renderEnsureBase } from '../../src/nft/base.ts';
import { renderChangeSet } from '../../src/nft/render.ts';
import { TABLE } from '../../src/nft/names.ts';
import { classifyContainer } from '../../src/daemon/classify.ts';
import { diffRulesets, EMPTY_RULESET, planRuleset } from '../../src/policy/index.ts';
import type { ManagedContainer } from '../../src/policy/index.ts';
import { openStateStore } from '../../src/state/store.ts';
import type { ContainerInfo } from '../../src/docker/types.ts';
import { createNetns, deleteNetns, enterNetns } from '../../test/helpers/netns.ts';
import { summarize, type Summary } from '../lib/stats.ts';
import { syntheticInfo, syntheticInfos } from '../lib/synthetic.ts';

const QUICK = process.argv.includes('--quick');
const LEVELS = [0, 100, 1000];
const ROUNDS = QUICK ? 30 : 200;
const NS = `wwbench-ip-${process.pid}`;

export interface LevelResult {
  readonly others: number;
  readonly converge: Summary;
  readonly transaction: Summary;
  readonly rebuild: Summary;
  readonly perRuleSpawn: Summary;
  readonly rulesInChange: number;
}

function managed(infos: readonly ContainerInfo[]): ManagedContainer[] {
  return infos.flatMap((info) => {
    const c = classifyContainer(info);
    return c.kind === 'managed' ? [c.container] : [];
  });
}

async function timeConverge(bg: ContainerInfo[], subject: ContainerInfo, dir: string) {
  const fw = new NftFirewall();
  await fw.clear();
  await fw.ensureBase({});
  const state = openStateStore(dir);
  const converger = new Converger({ firewall: fw, state, logger: pino({ level: 'silent' }) });
  await converger.converge(bg);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    await converger.converge([...bg, subject]);
    times.push(performance.now() - t0);
    await converger.converge(bg);
  }
  state.close();
  return { fw, times };
}

/** The subject's change alone through libnftables, and the two baselines for the same change. */
function timeBaselines(bg: ContainerInfo[], subject: ContainerInfo) {
  const before = planRuleset(managed(bg)).desired;
  const after = planRuleset(managed([...bg, subject])).desired;
  const start = renderChangeSet(diffRulesets(after, before));
  const stop = renderChangeSet(diffRulesets(before, after));
  const rebuild = [
    { add: { table: { ...TABLE } } },
    { delete: { table: { ...TABLE } } },
    ...renderEnsureBase(),
    ...renderChangeSet(diffRulesets(after, EMPTY_RULESET)),
  ];
  const ctx = new NftContext();
  const transaction: number[] = [];
  const rebuilt: number[] = [];
  const spawned: number[] = [];
  const rounds = (n: number) => (QUICK ? Math.min(n, 5) : n);
  for (let r = 0; r < rounds(ROUNDS); r++) {
    const t0 = performance.now();
    ctx.runJson(start);
    transaction.push(performance.now() - t0);
    ctx.runJson(stop);
  }
  for (let r = 0; r < rounds(bg.length >= 1000 ? 10 : 30); r++) {
    const t0 = performance.now();
    ctx.runJson(rebuild);
    rebuilt.push(performance.now() - t0);
    ctx.runJson(stop);
  }
  for (let r = 0; r < rounds(10); r++) {
    const t0 = performance.now();
    for (const cmd of start) execFileSync('nft', ['-j', JSON.stringify({ nftables: [cmd] })]);
    spawned.push(performance.now() - t0);
    ctx.runJson(stop);
  }
  ctx.close();
  return { transaction, rebuilt, spawned, rulesInChange: start.length };
}

async function measureLevel(others: number): Promise<LevelResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wwbench-state-'));
  try {
    const bg = syntheticInfos(others);
    const subject = syntheticInfo(1);
    const { fw, times } = await timeConverge(bg, subject, dir);
    const b = timeBaselines(bg, subject);
    fw.close();
    return {
      others,
      converge: summarize(times),
      transaction: summarize(b.transaction),
      rebuild: summarize(b.rebuilt),
      perRuleSpawn: summarize(b.spawned),
      rulesInChange: b.rulesInChange,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Loads 1000 containers' state (kernel and state store), then times a fresh process's start. */
async function measureReconcile(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'wwbench-state-'));
  try {
    const fw = new NftFirewall();
    await fw.clear();
    await fw.ensureBase({});
    const state = openStateStore(dir);
    const converger = new Converger({ firewall: fw, state, logger: pino({ level: 'silent' }) });
    await converger.converge(syntheticInfos(1000));
    state.close();
    fw.close();
    const child = new URL('./reconcile-child.ts', import.meta.url).pathname;
    const out = spawnSync(process.execPath, [child, NS, dir, '1000'], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`reconcile child failed: ${out.stderr}`);
    return JSON.parse(out.stdout) as unknown;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

createNetns(NS);
try {
  enterNetns(NS);
  const levels: LevelResult[] = [];
  for (const others of LEVELS) levels.push(await measureLevel(others));
  const reconcile = await measureReconcile();
  process.stdout.write(`${JSON.stringify({ levels, reconcile })}\n`);
} finally {
  deleteNetns(NS);
}
