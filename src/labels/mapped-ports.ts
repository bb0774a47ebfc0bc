/**
 * `mapped_ports`: who may reach the container's published ports, from the host itself
 * (`localhost`) and from other hosts (`external`). Both default to not allowed.
 */
import { isMap } from 'yaml';
import type { AddrSet, ExternalAccess, LocalhostAccess, Verdict } from './model.ts';
import { readLogPrefix } from './log-prefix.ts';
import { report, spanOf, type ReadContext } from './problem.ts';
import { definedOnly, INVALID, readBool, valid, type Read } from './scalars.ts';
import { readAddrList } from './value-lists.ts';
import { DEFAULT_VERDICT, readVerdict } from './verdict.ts';
import { describeNode, isNullNode, readFields, type MapField } from './yaml-nodes.ts';

const MAPPED_PORTS_KEYS = ['localhost', 'external'] as const;
const LOCALHOST_KEYS = ['allow', 'log_prefix', 'verdict'] as const;
const EXTERNAL_KEYS = ['allow', 'log_prefix', 'ips', 'verdict'] as const;

const CLOSED = { allow: false, verdict: DEFAULT_VERDICT } as const;

export interface MappedPorts {
  readonly localhost: LocalhostAccess;
  readonly external: ExternalAccess;
}

export function readMappedPorts(
  ctx: ReadContext,
  field: MapField | undefined,
): MappedPorts | undefined {
  if (field === undefined || isNullNode(field.value))
    return { localhost: CLOSED, external: CLOSED };
  if (!isMap(field.value)) {
    const message = `"mapped_ports" must be a map with localhost and/or external, got ${describeNode(field.value)}`;
    report(ctx, { code: 'ERR_LABEL_TYPE', path: field.path, at: spanOf(field.value), message });
    return undefined;
  }
  const fields = readFields(ctx, field.value, { path: field.path, known: MAPPED_PORTS_KEYS });
  const localhost = readAccess(ctx, fields.get('localhost'), LOCALHOST_KEYS);
  const external = readAccess(ctx, fields.get('external'), EXTERNAL_KEYS);
  if (localhost === undefined || external === undefined) return undefined;
  return { localhost, external };
}

const LOCALHOST_IPS_ADVICE = {
  ips: 'only mapped_ports.external takes "ips"; localhost access always comes from the host itself',
};

interface AccessReads {
  readonly allow: Read<boolean>;
  readonly logPrefix: Read<string>;
  readonly ips: Read<AddrSet>;
  readonly verdict: Read<Verdict>;
}

function readAccess(
  ctx: ReadContext,
  field: MapField | undefined,
  known: readonly string[],
): ExternalAccess | undefined {
  if (field === undefined || isNullNode(field.value)) return CLOSED;
  if (!isMap(field.value)) {
    const message = `"${field.path}" must be a map with ${known.join(', ')}, got ${describeNode(field.value)}`;
    report(ctx, { code: 'ERR_LABEL_TYPE', path: field.path, at: spanOf(field.value), message });
    return undefined;
  }
  const misplaced = known.includes('ips') ? {} : LOCALHOST_IPS_ADVICE;
  const fields = readFields(ctx, field.value, { path: field.path, known, misplaced });
  const reads: AccessReads = {
    allow: readBool(ctx, fields.get('allow')),
    logPrefix: readLogPrefix(ctx, fields.get('log_prefix')),
    ips: readAddrList(ctx, fields.get('ips')),
    verdict: readVerdict(ctx, fields.get('verdict')),
  };
  if (Object.values(reads).includes(INVALID)) return undefined;
  const optional = definedOnly({ logPrefix: valid(reads.logPrefix), ips: valid(reads.ips) });
  return {
    allow: valid(reads.allow) ?? false,
    ...optional,
    verdict: valid(reads.verdict) ?? DEFAULT_VERDICT,
  };
}
