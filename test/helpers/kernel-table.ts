/**
 * Reads whalewall's table and Docker's tables from the kernel with the `nft` command, in forms a
 * test can compare: rule handles and counter values (which differ between two identical
 * rulesets) are left out.
 */
import { execFile } from 'node:child_process';

const NFT_TIMEOUT_MS = 10_000;
const DOCKER_TABLES = [
  ['ip', 'filter'],
  ['ip', 'nat'],
  ['ip6', 'filter'],
  ['ip6', 'nat'],
] as const;

function nft(args: readonly string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'nft',
      args,
      { timeout: NFT_TIMEOUT_MS, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        resolve({ ok: err === null, stdout, stderr });
      },
    );
  });
}

export interface KernelTable {
  /** Container chains (`whalewall-*`) by name, each its rules without handles and counters. */
  readonly chains: Readonly<Record<string, readonly unknown[]>>;
  /** Dispatch map elements, `ip 10.201.3.2` → chain jumped to. */
  readonly elements: Readonly<Record<string, string>>;
}

interface NftObject {
  readonly chain?: { name: string };
  readonly rule?: { chain: string; expr: unknown[]; comment?: string };
  readonly map?: { name: string; elem?: [string, { jump: { target: string } }][] };
}

const MAP_FAMILY: Readonly<Record<string, string>> = {
  'container-addrs-v4': 'ip',
  'container-addrs-v6': 'ip6',
};

function withoutCounters(expr: readonly unknown[]): unknown[] {
  return expr.map((e) =>
    typeof e === 'object' && e !== null && 'counter' in e ? { counter: null } : e,
  );
}

function sortedRecord<T>(entries: readonly [string, T][]): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
}

/** Whalewall's table, or undefined when the kernel has none. */
export async function readKernelTable(): Promise<KernelTable | undefined> {
  const out = await nft(['-j', 'list', 'table', 'inet', 'whalewall']);
  if (!out.ok) {
    if (/No such file or directory/u.test(out.stderr)) return undefined;
    throw new Error(`nft list table inet whalewall failed: ${out.stderr}`);
  }
  const objects = (JSON.parse(out.stdout) as { nftables: NftObject[] }).nftables;

  const chains = new Map<string, unknown[]>();
  const elements: [string, string][] = [];
  for (const o of objects) {
    if (o.chain?.name.startsWith('whalewall-') === true) chains.set(o.chain.name, []);
    if (o.rule !== undefined) {
      const rule = { comment: o.rule.comment, expr: withoutCounters(o.rule.expr) };
      chains.get(o.rule.chain)?.push(rule);
    }
    const family = o.map === undefined ? undefined : MAP_FAMILY[o.map.name];
    for (const [addr, verdict] of family === undefined ? [] : (o.map?.elem ?? [])) {
      elements.push([`${family} ${addr}`, verdict.jump.target]);
    }
  }
  return { chains: sortedRecord([...chains]), elements: sortedRecord(elements) };
}

/** Whalewall's table; throws when the kernel has none. */
export async function requireKernelTable(): Promise<KernelTable> {
  const table = await readKernelTable();
  if (table === undefined) throw new Error('the kernel has no table inet whalewall');
  return table;
}

/** The chain whalewall names after a container (short names only: longer ones are cut). */
export function chainNameOf(container: { name: string; id: string }): string {
  if (Buffer.byteLength(container.name) > 37) throw new Error(`name too long: ${container.name}`);
  return `whalewall-${container.name}-${container.id.slice(0, 12)}`;
}

/** Every table of the ruleset, by `family name`. */
export async function listTables(): Promise<string[]> {
  const out = await nft(['list', 'tables']);
  if (!out.ok) throw new Error(`nft list tables failed: ${out.stderr}`);
  return out.stdout
    .split('\n')
    .map((line) => line.replace(/^table /u, '').trim())
    .filter((line) => line !== '');
}

/** Docker's tables (iptables-nft), counter values left out, to show they were not touched. */
export async function listDockerTables(): Promise<string> {
  const texts = [];
  for (const [family, name] of DOCKER_TABLES) {
    const out = await nft(['list', 'table', family, name]);
    texts.push(
      out.ok ? out.stdout.replace(/packets \d+ bytes \d+/gu, '') : `(no ${family} ${name})`,
    );
  }
  return texts.join('\n');
}

/** The whole ruleset as text, for "no trace" checks. */
export async function listRulesetText(): Promise<string> {
  const out = await nft(['list', 'ruleset']);
  if (!out.ok) throw new Error(`nft list ruleset failed: ${out.stderr}`);
  return out.stdout;
}

/** Drops `handle` keys and counter values anywhere in nft's JSON: they differ between equals. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'handle') continue;
    out[key] = key === 'counter' ? null : normalise(inner);
  }
  return out;
}

function sortedElements(body: Record<string, unknown>): Record<string, unknown> {
  const elem = body['elem'];
  if (!Array.isArray(elem)) return body;
  const sorted = elem.map((e) => JSON.stringify(e)).sort();
  return { ...body, elem: sorted.map((e) => JSON.parse(e) as unknown) };
}

/**
 * Everything in whalewall's table, comparable between two tables built in different orders:
 * objects by kind and name, set and map elements sorted, each chain's rules in their order.
 */
export async function snapshotKernelTable(): Promise<Record<string, unknown>> {
  const out = await nft(['-j', 'list', 'table', 'inet', 'whalewall']);
  if (!out.ok) throw new Error(`nft list table inet whalewall failed: ${out.stderr}`);
  const objects = (JSON.parse(out.stdout) as { nftables: Record<string, unknown>[] }).nftables;

  const entries: [string, unknown][] = [];
  const rules = new Map<string, unknown[]>();
  for (const object of objects) {
    const [kind, raw] = Object.entries(object)[0] ?? ['', {}];
    if (kind === 'metainfo') continue;
    const body = sortedElements(normalise(raw) as Record<string, unknown>);
    if (kind === 'rule') {
      const chain = String(body['chain']);
      rules.set(chain, [...(rules.get(chain) ?? []), body]);
      continue;
    }
    entries.push([`${kind} ${String(body['name'])}`, body]);
  }
  for (const [chain, list] of rules) entries.push([`rules of ${chain}`, list]);
  return sortedRecord(entries);
}
