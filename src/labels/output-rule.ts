/**
 * One entry of `output`: reads every field, then applies the original's cross-field rules
 * (§1.4) with two relaxations: `proto` without ports means every port of that protocol, and
 * `icmp` / `icmpv6` need no ports (and take none).
 */
import { isMap, type Node, type YAMLMap } from 'yaml';
import type { AddrSet, OutputRule, Proto } from './model.ts';
import { readLogPrefix } from './log-prefix.ts';
import { report, spanOf, type ReadContext } from './problem.ts';
import { definedOnly, INVALID, readProto, readString, valid, type Read } from './scalars.ts';
import { readAddrList, readPortList } from './value-lists.ts';
import { DEFAULT_VERDICT, readVerdict } from './verdict.ts';
import { describeNode, readFields, type MapField } from './yaml-nodes.ts';

export const OUTPUT_KEYS = [
  'log_prefix',
  'network',
  'ips',
  'container',
  'proto',
  'src_ports',
  'dst_ports',
  'verdict',
] as const;

type OutputFields = Map<string, MapField>;

export function readOutputRule(
  ctx: ReadContext,
  node: Node | null,
  path: string,
): OutputRule | undefined {
  if (!isMap(node)) {
    const message = `each output rule must be a map with keys such as proto and dst_ports, got ${describeNode(node)}`;
    report(ctx, { code: 'ERR_LABEL_TYPE', path, at: spanOf(node), message });
    return undefined;
  }
  const fields = readFields(ctx, node, { path, known: OUTPUT_KEYS });
  const reads: RuleReads = {
    logPrefix: readLogPrefix(ctx, fields.get('log_prefix')),
    network: readString(ctx, fields.get('network')),
    ips: readAddrList(ctx, fields.get('ips')),
    container: readString(ctx, fields.get('container')),
    proto: readProto(ctx, fields.get('proto')),
    srcPorts: readPortList(ctx, fields.get('src_ports')),
    dstPorts: readPortList(ctx, fields.get('dst_ports')),
    verdict: readVerdict(ctx, fields.get('verdict')),
  };
  const hasUnknownKeys = fields.size < node.items.length;
  const broken = checkRule(ctx, { node, path, fields, reads, hasUnknownKeys });
  if (broken || Object.values(reads).includes(INVALID)) return undefined;
  return buildRule(path, reads);
}

interface RuleReads {
  readonly logPrefix: Read<string>;
  readonly network: Read<string>;
  readonly ips: Read<AddrSet>;
  readonly container: Read<string>;
  readonly proto: Read<Proto>;
  readonly srcPorts: Read<OutputRule['srcPorts']>;
  readonly dstPorts: Read<OutputRule['dstPorts']>;
  readonly verdict: Read<OutputRule['verdict']>;
}

interface RuleCheck {
  readonly node: YAMLMap;
  readonly path: string;
  readonly fields: OutputFields;
  readonly reads: RuleReads;
  /** An unknown key may be a misspelt field, so the rule is not called empty then. */
  readonly hasUnknownKeys: boolean;
}

/** Reports every cross-field rule the entry breaks; true when any is broken. */
function checkRule(ctx: ReadContext, rule: RuleCheck): boolean {
  const { reads, fields } = rule;
  const has = (value: unknown): boolean => value !== undefined;
  const isIcmp = reads.proto === 'icmp' || reads.proto === 'icmpv6';
  const problems: [boolean, string, string][] = [
    [
      !rule.hasUnknownKeys &&
        !has(reads.ips) &&
        !has(reads.container) &&
        !has(reads.proto) &&
        !has(reads.srcPorts) &&
        !has(reads.dstPorts),
      '',
      'output rule is empty: it needs at least one of ips, container, proto, src_ports or dst_ports; network, log_prefix and verdict alone do not say what to allow',
    ],
    [
      has(reads.ips) && has(reads.container),
      'container',
      '"ips" and "container" cannot both be set: a container rule matches that container\'s own address; write two rules',
    ],
    [
      has(reads.container) && !has(reads.network),
      'container',
      '"network" must be set when "container" is set, to say which of the container\'s addresses to use',
    ],
    [
      has(reads.srcPorts) && !has(reads.proto),
      'src_ports',
      '"proto" must be set when "src_ports" is set: ports belong to tcp or udp',
    ],
    [
      has(reads.dstPorts) && !has(reads.proto),
      'dst_ports',
      '"proto" must be set when "dst_ports" is set: ports belong to tcp or udp',
    ],
    [
      isIcmp && has(reads.srcPorts),
      'src_ports',
      `proto "${String(reads.proto)}" has no ports; remove "src_ports" or use tcp or udp`,
    ],
    [
      isIcmp && has(reads.dstPorts),
      'dst_ports',
      `proto "${String(reads.proto)}" has no ports; remove "dst_ports" or use tcp or udp`,
    ],
    [familyMismatch(reads), 'proto', familyMismatchMessage(reads)],
  ];
  let broken = false;
  for (const [isBroken, key, message] of problems) {
    if (!isBroken) continue;
    broken = true;
    const blamed = key === '' ? undefined : fields.get(key);
    const at = blamed === undefined ? spanOf(rule.node) : spanOf(blamed.key);
    report(ctx, { code: 'ERR_LABEL_CONFLICT', path: blamed?.path ?? rule.path, at, message });
  }
  return broken;
}

/** `icmp` is IPv4 only and `icmpv6` IPv6 only: with addresses of the other family alone, the rule could never match. */
function familyMismatch(reads: RuleReads): boolean {
  const ips = valid(reads.ips);
  if (ips === undefined) return false;
  if (reads.proto === 'icmp') return ips.v4.length === 0;
  if (reads.proto === 'icmpv6') return ips.v6.length === 0;
  return false;
}

function familyMismatchMessage(reads: RuleReads): string {
  if (reads.proto === 'icmp')
    return 'proto "icmp" matches IPv4 only, but every address in "ips" is IPv6; use icmpv6';
  return 'proto "icmpv6" matches IPv6 only, but every address in "ips" is IPv4; use icmp';
}

function buildRule(path: string, reads: RuleReads): OutputRule {
  const optional = {
    logPrefix: valid(reads.logPrefix),
    network: valid(reads.network),
    ips: valid(reads.ips),
    container: valid(reads.container),
    proto: valid(reads.proto),
    srcPorts: valid(reads.srcPorts),
    dstPorts: valid(reads.dstPorts),
  };
  return { path, ...definedOnly(optional), verdict: valid(reads.verdict) ?? DEFAULT_VERDICT };
}
