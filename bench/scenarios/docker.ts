/**
 * Scenarios with the real engine and the real daemon (run under the e2e lock by bench/main.ts):
 * event → enforced (scenario 1) with 0 and 100 real managed containers, and with those 100 plus
 * 900 containers' chains and map elements loaded into the kernel directly; and the burst of
 * scenario 3. Everything is named `wwbench-` and removed at the end, then `whalewall clear`.
 *
 * Usage: node bench/scenarios/docker.ts [--quick]; prints one JSON document.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyContainer } from '../../src/daemon/classify.ts';
import { renderChangeSet } from '../../src/nft/render.ts';
import { diffRulesets, EMPTY_RULESET, planRuleset } from '../../src/policy/index.ts';
import { docker, TEST_IMAGE, waitFor } from '../../test/helpers/docker.ts';
import { sleep, summarize } from '../lib/stats.ts';
import { syntheticInfos } from '../lib/synthetic.ts';
import { wallNow, watchChains, watchStarts } from '../lib/watchers.ts';

const QUICK = process.argv.includes('--quick');
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const NET = 'wwbench-net';
const RULES =
  'output:\n  - proto: tcp\n    dst_ports: [443]\n  - proto: udp\n    dst_ports: [53]\n';
const LABELS = ['--label', 'whalewall.enabled=true', '--label', `whalewall.rules=${RULES}`];

async function create(name: string): Promise<string> {
  const args = ['create', '--name', name, '--network', NET, ...LABELS, '-p', '80'];
  return (await docker([...args, TEST_IMAGE, 'ww-listen', '80'])).slice(0, 12);
}

function startDaemon(dir: string) {
  const log = join(dir, 'daemon.log');
  const args = [MAIN, 'run', '-d', dir, '--no-sandbox', '-l', log, '--reconcile-interval', '1h'];
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  const ready = () => readFileSync(log, 'utf8').includes('"msg":"ready"') || undefined;
  return { child, ready: () => waitFor('daemon ready', () => ready(), { timeoutMs: 60_000 }) };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function chainOf(id12: string, chains: ReturnType<typeof watchChains>): string | undefined {
  return chains.seen.find((s) => s.key.endsWith(`-${id12}`))?.key;
}

/** Starts and kills `subject` `rounds` times; event → chain-added latencies in ms. */
async function eventToEnforced(subject: string, rounds: number, w: Watchers): Promise<number[]> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const since = wallNow() - 5;
    await docker(['start', subject]);
    const start = await waitFor('start event', () => w.starts.after(subject, since)[0]);
    const chain = await waitFor('chain', () => chainOf(subject, w.chains), { timeoutMs: 15_000 });
    const added = await waitFor('chain added', () => w.chains.after(chain, since)[0], {
      timeoutMs: 15_000,
    });
    samples.push(added - start);
    await docker(['kill', subject]);
    await sleep(100);
  }
  return samples;
}

interface Watchers {
  readonly chains: ReturnType<typeof watchChains>;
  readonly starts: ReturnType<typeof watchStarts>;
}

/** 900 synthetic containers' chains and elements, behind the daemon's back (it never reconciles). */
function loadSynthetic(dir: string): void {
  const managed = syntheticInfos(900).flatMap((i) => {
    const c = classifyContainer(i);
    return c.kind === 'managed' ? [c.container] : [];
  });
  const change = diffRulesets(planRuleset(managed).desired, EMPTY_RULESET);
  const file = join(dir, 'synthetic.json');
  writeFileSync(
    file,
    JSON.stringify({ nftables: renderChangeSet({ ...change, localhostAdd: [] }) }),
  );
  execFileSync('nft', ['-j', '-f', file], { timeout: 120_000 });
}

async function burst(n: number, w: Watchers, pid: number) {
  const names = await Promise.all(
    [...Array(n).keys()].map((i) => create(`wwbench-burst-${n}-${i}`)),
  );
  const since = wallNow() - 5;
  const cpu0 = cpuSeconds(pid);
  await docker(['start', ...names.map((id) => id)], { timeoutMs: 300_000 });
  const lastStart = await waitFor(
    'starts',
    () => {
      const t = names.map((id) => w.starts.after(id, since)[0]);
      return t.every((x) => x !== undefined) ? Math.max(...t) : undefined;
    },
    { timeoutMs: 60_000 },
  );
  const lastEnforced = await waitFor(
    'enforced',
    () => {
      const t = names.map((id) => {
        const c = chainOf(id, w.chains);
        return c === undefined ? undefined : w.chains.after(c, since)[0];
      });
      return t.every((x) => x !== undefined) ? Math.max(...t) : undefined;
    },
    { timeoutMs: 60_000 },
  );
  await sleep(500);
  const cpuPerContainerMs = ((cpuSeconds(pid) - cpu0) * 1000) / n;
  await docker(['rm', '-f', ...names], { timeoutMs: 300_000 });
  return { n, lastStartToAllEnforcedMs: lastEnforced - lastStart, cpuPerContainerMs };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wwbench-docker-'));
  await docker(['network', 'create', '--subnet', '10.231.0.0/16', NET]);
  const w: Watchers = { chains: watchChains(), starts: watchStarts() };
  const daemon = startDaemon(dir);
  const rounds = QUICK ? 20 : 200;
  const levels = [];
  try {
    await daemon.ready();
    const subject = await create('wwbench-subject');
    const bgIds: string[] = [];
    for (const [others, real] of [
      [0, 0],
      [100, 100],
      [1000, 100],
    ] as const) {
      while (bgIds.length < real) bgIds.push(await create(`wwbench-bg-${bgIds.length}`));
      if (real > 0) await docker(['start', ...bgIds], { timeoutMs: 600_000 });
      if (others > real) loadSynthetic(dir);
      await sleep(2000);
      const samples = await eventToEnforced(subject, rounds, w);
      levels.push({
        others,
        realContainers: real,
        loadedDirectly: others - real,
        latency: summarize(samples),
      });
    }
    await docker(['rm', '-f', ...bgIds, subject], { timeoutMs: 600_000 });
    const bursts = [];
    for (const n of QUICK ? [20] : [20, 50, 100])
      bursts.push(await burst(n, w, daemon.child.pid ?? 0));
    process.stdout.write(`${JSON.stringify({ levels, bursts })}\n`);
  } finally {
    daemon.child.kill('SIGTERM');
    await sleep(2000);
    w.chains.stop();
    w.starts.stop();
    const left = (await docker(['ps', '-aq', '--filter', 'name=wwbench-']))
      .split('\n')
      .filter(Boolean);
    if (left.length > 0) await docker(['rm', '-f', ...left], { timeoutMs: 600_000 });
    await docker(['network', 'rm', NET]).catch(() => undefined);
    execFileSync(process.execPath, [MAIN, 'clear', '-d', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
