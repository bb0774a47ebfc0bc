/** Turns the scenarios' JSON into the printed tables and the SVG plots. */
import type { Summary } from './stats.ts';
import { ms, ratio, renderTable } from './stats.ts';
import { renderBarChart } from './svg.ts';

export interface InProcess {
  readonly levels: readonly {
    others: number;
    converge: Summary;
    transaction: Summary;
    rebuild: Summary;
    perRuleSpawn: Summary;
    rulesInChange: number;
  }[];
  readonly reconcile: Record<string, number>;
}

export interface DockerRun {
  readonly levels: readonly {
    others: number;
    realContainers: number;
    loadedDirectly: number;
    latency: Summary;
  }[];
  readonly bursts: readonly {
    n: number;
    lastStartToAllEnforcedMs: number;
    cpuPerContainerMs: number;
  }[];
}

export interface Datapath {
  readonly results: readonly {
    name: string;
    containers: number;
    gbitPerSecond: number;
    requestsPerSecond: number;
  }[];
}

export function eventTable(d: DockerRun | undefined, p: InProcess): string {
  const rows = p.levels.map((l) => {
    const e = d?.levels.find((x) => x.others === l.others);
    const kind =
      e === undefined
        ? ''
        : e.loadedDirectly > 0
          ? `${e.realContainers} real + ${e.loadedDirectly} loaded`
          : `${e.realContainers} real`;
    return [
      String(l.others),
      kind,
      ms(e?.latency.p50 ?? NaN),
      ms(e?.latency.p95 ?? NaN),
      ms(e?.latency.p99 ?? NaN),
      ms(l.converge.p50),
      ms(l.converge.p95),
      ms(l.converge.p99),
    ];
  });
  const header = ['others', 'Docker run', 'e2e p50', 'p95', 'p99', 'in-process p50', 'p95', 'p99'];
  return renderTable(header, rows);
}

export function baselineTable(p: InProcess): string {
  const rows = p.levels.map((l) => [
    String(l.others),
    String(l.rulesInChange),
    ms(l.transaction.p50),
    ms(l.rebuild.p50),
    ratio(l.rebuild.p50 / l.transaction.p50),
    ms(l.perRuleSpawn.p50),
    ratio(l.perRuleSpawn.p50 / l.transaction.p50),
  ]);
  return renderTable(
    ['others', 'commands', 'ours ms', 'rebuild ms', 'ratio', 'nft per rule ms', 'ratio'],
    rows,
  );
}

export function burstTable(d: DockerRun): string {
  const rows = d.bursts.map((b) => [
    String(b.n),
    ms(b.lastStartToAllEnforcedMs),
    ms(b.cpuPerContainerMs),
  ]);
  return renderTable(['N', 'last start → all enforced ms', 'daemon CPU ms / container'], rows);
}

export function datapathTable(d: Datapath): string {
  const none = d.results.find((r) => r.name === 'no firewall');
  const rows = d.results.map((r) => [
    r.name,
    String(r.containers),
    r.gbitPerSecond.toFixed(2),
    ratio(r.gbitPerSecond / (none?.gbitPerSecond ?? NaN)),
    r.requestsPerSecond.toFixed(0),
    ratio(r.requestsPerSecond / (none?.requestsPerSecond ?? NaN)),
  ]);
  return renderTable(['ruleset', 'containers', 'Gbit/s', 'vs none', 'req/s', 'vs none'], rows);
}

export function reconcileTable(p: InProcess): string {
  const r = p.reconcile;
  const rows = [
    [
      String(r.containers),
      ms(r.startReconcileMs ?? NaN),
      ms(r.readBackMs ?? NaN),
      ms(r.periodicReconcileMs ?? NaN),
      ms(r.periodicReadBackMs ?? NaN),
      String(r.rssAfterStartMiB),
      String(r.rssMiB),
    ],
  ];
  const head = ['containers', 'start ms', 'its read-back', 'periodic ms', 'its read-back'];
  return renderTable([...head, 'RSS after start MiB', 'after periodic'], rows);
}

export function plots(
  d: DockerRun | undefined,
  p: InProcess,
  dp: Datapath | undefined,
): Record<string, string> {
  const groups = p.levels.map((l) => `${l.others} others`);
  const series = [
    { name: 'in-process p50', color: '#8ecae6', values: p.levels.map((l) => l.converge.p50) },
    { name: 'in-process p99', color: '#219ebc', values: p.levels.map((l) => l.converge.p99) },
  ];
  if (d !== undefined) {
    series.push({ name: 'e2e p50', color: '#ffb703', values: d.levels.map((l) => l.latency.p50) });
    series.push({ name: 'e2e p99', color: '#fb8500', values: d.levels.map((l) => l.latency.p99) });
  }
  const out: Record<string, string> = {
    'event-to-enforced.svg': renderBarChart({
      title: 'Event → enforced (ms, lower is better)',
      unit: 'ms',
      groups,
      series,
    }),
  };
  if (dp !== undefined) {
    const sizes = [2, 100, 1000];
    const none = dp.results.find((r) => r.name === 'no firewall')?.gbitPerSecond ?? NaN;
    const pick = (name: string) =>
      sizes.map(
        (n) =>
          (dp.results.find((r) => r.name === name && r.containers === n)?.gbitPerSecond ?? NaN) /
          none,
      );
    out['datapath.svg'] = renderBarChart({
      title: 'TCP throughput relative to no firewall (higher is better)',
      unit: 'ratio',
      groups: sizes.map((n) => `${n} containers`),
      series: [
        { name: 'whalewall (maps)', color: '#219ebc', values: pick('whalewall') },
        { name: 'linear chain', color: '#fb8500', values: pick('linear chain') },
      ],
    });
  }
  return out;
}
