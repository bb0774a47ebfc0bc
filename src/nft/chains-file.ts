/**
 * The operator's chains file: the targets of `verdict: {chain: NAME}`.
 *
 * A `jump` cannot leave its table, so the chains a label may name live in whalewall's own table.
 * The operator declares them in nft's syntax, one rule per line:
 *
 *     # comments and blank lines are ignored
 *     chain audit-web {
 *         ip daddr 10.0.0.0/8 log prefix "audit-web: " accept
 *         drop
 *     }
 *
 * ensureBase loads each chain (created, flushed, refilled) in one text transaction. Each line is
 * added with `add rule inet whalewall NAME <line>`, and a line may not contain `;` (a second
 * command), so nothing in the file can reach outside whalewall's table. A chain that ends without
 * a verdict returns to the container's chain, where the next rules and finally its drop apply.
 */
import { readFile } from 'node:fs/promises';
import { WhalewallError } from '../errors.ts';
import { isReservedChainName, TABLE } from './names.ts';

export interface OperatorChain {
  readonly name: string;
  readonly rules: readonly string[];
}

const CHAIN_OPEN = /^chain\s+([A-Za-z][A-Za-z0-9_-]{0,63})\s*\{$/u;

function invalid(path: string, line: number, msg: string): WhalewallError {
  return new WhalewallError('ERR_NFT_CHAINS_FILE', `${path}, line ${line}: ${msg}`);
}

export function parseChainsFile(text: string, path: string): OperatorChain[] {
  const chains: { name: string; rules: string[] }[] = [];
  let open: { name: string; rules: string[] } | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (open === undefined) {
      const name = CHAIN_OPEN.exec(line)?.[1];
      if (name === undefined) throw invalid(path, i + 1, `expected "chain NAME {", got "${line}"`);
      if (isReservedChainName(name)) throw invalid(path, i + 1, `chain name "${name}" is reserved`);
      if (chains.some((c) => c.name === name)) throw invalid(path, i + 1, `chain "${name}" twice`);
      open = { name, rules: [] };
    } else if (line === '}') {
      chains.push(open);
      open = undefined;
    } else if (line.includes(';')) {
      throw invalid(path, i + 1, `a rule may not contain ";": "${line}"`);
    } else {
      open.rules.push(line);
    }
  }
  if (open !== undefined)
    throw invalid(path, text.split('\n').length, `chain "${open.name}" has no "}"`);
  return chains;
}

export async function readChainsFile(path: string): Promise<OperatorChain[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new WhalewallError('ERR_NFT_CHAINS_FILE', `cannot read chains file ${path}`, {
      cause: err,
    });
  }
  return parseChainsFile(text, path);
}

/** nft text creating, emptying and refilling each chain; run as one transaction. */
export function renderChains(chains: readonly OperatorChain[]): string {
  const table = `${TABLE.family} ${TABLE.name}`;
  return chains
    .flatMap((c) => [
      `add chain ${table} ${c.name}`,
      `flush chain ${table} ${c.name}`,
      ...c.rules.map((r) => `add rule ${table} ${c.name} ${r}`),
    ])
    .join('\n');
}
