/**
 * A fresh process doing what the daemon does at start, against 1000 containers' state already in
 * the kernel and the state store: open the engine, ensure the base, read the table back, plan,
 * diff, record; then one periodic reconcile. Prints its times and resident memory as JSON.
 *
 * Usage: node bench/scenarios/reconcile-child.ts <netns> <state dir> <count>
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Converger } from '../../src/daemon/converger.ts';
import { NftFirewall } from '../../src/nft/firewall.ts';
import { openStateStore } from '../../src/state/store.ts';
import { enterNetns } from '../../test/helpers/netns.ts';
import { syntheticInfos } from '../lib/synthetic.ts';

const [ns = '', dir = '', count = '1000'] = process.argv.slice(2);
const infos = syntheticInfos(Number(count));
enterNetns(ns);
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const fw = new NftFirewall();
await fw.ensureBase({});
const state = openStateStore(dir);
// The converger reads the kernel back itself; time that read inside the pass instead of reading
// a second time (an earlier version did, and counted one read-back twice in the start figure).
const reads: number[] = [];
let chainsReadBack = 0;
const timed = {
  apply: (change: Parameters<NftFirewall['apply']>[0]) => fw.apply(change),
  readApplied: async () => {
    const t = performance.now();
    const applied = await fw.readApplied();
    reads.push(performance.now() - t);
    chainsReadBack = applied.chains.length;
    return applied;
  },
};
const converger = new Converger({ firewall: timed, state, logger: pino({ level: 'silent' }) });
await converger.converge(infos);
const startMs = performance.now() - t0;
const rssStart = process.memoryUsage().rss;
converger.markKernelStale();
const t1 = performance.now();
await converger.converge(infos);
const periodicMs = performance.now() - t1;
const rss = process.memoryUsage().rss;
state.close();
fw.close();
const mib = (b: number) => Math.round((b / 1048576) * 10) / 10;
const result = {
  containers: Number(count),
  chainsReadBack,
  startReconcileMs: startMs,
  readBackMs: reads[0] ?? 0,
  periodicReconcileMs: periodicMs,
  periodicReadBackMs: reads[1] ?? 0,
  rssAfterStartMiB: mib(rssStart),
  rssMiB: mib(rss),
  rssBeforeEngineMiB: mib(rssBefore),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
