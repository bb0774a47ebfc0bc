/**
 * `npm run bench`: runs every scenario of docs/benchmarks.md, prints tables, and writes the raw
 * results (docs/bench/results.json) and plots (docs/bench/*.svg). Figures are printed, never
 * asserted. Needs root; Docker work takes /tmp/whalewall-e2e.lock so it never overlaps e2e tests.
 *
 * Options: --quick (a short smoke run), --no-docker (skip the scenarios that need the engine).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { Datapath, DockerRun, InProcess } from './lib/report.ts';
import {
  baselineTable,
  burstTable,
  datapathTable,
  eventTable,
  plots,
  reconcileTable,
} from './lib/report.ts';

const QUICK = process.argv.includes('--quick');
const DOCKER = !process.argv.includes('--no-docker');
const OUT = new URL('../docs/bench/', import.meta.url).pathname;
const flags = QUICK ? ['--quick'] : [];

function runScenario(file: string, wrap: readonly string[] = []): unknown {
  const script = new URL(`./scenarios/${file}`, import.meta.url).pathname;
  const argv = [...wrap, process.execPath, script, ...flags];
  const [cmd = '', ...args] = argv;
  process.stderr.write(`bench: running ${file}${QUICK ? ' (quick)' : ''}\n`);
  const out = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (out.status !== 0) {
    process.stderr.write(
      `bench: ${file} failed (exit ${String(out.status)}); its figures are missing\n`,
    );
    return undefined;
  }
  const last = out.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as unknown;
}

function version(argv: readonly string[]): string {
  try {
    const [cmd = '', ...args] = argv;
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
  } catch {
    return 'unavailable';
  }
}

function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    nftables: version(['nft', '--version']),
    docker: version(['docker', 'version', '--format', '{{.Server.Version}}']),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const startedAt = new Date().toISOString();
const host = machine();
const inProcess = runScenario('in-process.ts') as InProcess | undefined;
const datapath = runScenario('datapath.ts') as Datapath | undefined;
const dockerRun = DOCKER
  ? (runScenario('docker.ts', ['flock', '/tmp/whalewall-e2e.lock']) as DockerRun | undefined)
  : undefined;

const sections: string[] = [];
if (inProcess !== undefined) {
  sections.push(`Event → enforced (ms)\n${eventTable(dockerRun, inProcess)}`);
  sections.push(`Baselines: one container's start (median ms)\n${baselineTable(inProcess)}`);
  sections.push(`Startup reconcile with 1000 containers' state\n${reconcileTable(inProcess)}`);
}
if (dockerRun !== undefined) sections.push(`Burst\n${burstTable(dockerRun)}`);
if (datapath !== undefined)
  sections.push(`Datapath (A → B through the rules)\n${datapathTable(datapath)}`);
process.stdout.write(`${sections.join('\n\n')}\n`);

mkdirSync(OUT, { recursive: true });
const results = { startedAt, quick: QUICK, machine: host, inProcess, docker: dockerRun, datapath };
writeFileSync(
  `${OUT}results${QUICK ? '-quick' : ''}.json`,
  `${JSON.stringify(results, null, 2)}\n`,
);
if (inProcess !== undefined && !QUICK) {
  for (const [name, svg] of Object.entries(plots(dockerRun, inProcess, datapath)))
    writeFileSync(`${OUT}${name}`, svg);
}
process.stderr.write(`bench: results in ${OUT}\n`);
