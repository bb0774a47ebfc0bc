/**
 * Names and texts that appear in `nft list ruleset`: chain names, rule comments, log prefixes.
 *
 * A container's chain is named like its log prefix, `whalewall-<name cut to 37 bytes>-<id12>`,
 * so a dropped packet's log line names the chain that dropped it.
 */
import { CONTAINER_LOG_PART_MAX_BYTES, KERNEL_LOG_PREFIX_MAX_BYTES } from '../labels/model.ts';
import type { ContainerInfo } from '../docker/types.ts';

const NAME_PART_MAX_BYTES = CONTAINER_LOG_PART_MAX_BYTES - 'whalewall-'.length - 13;

/** nftables keeps at most 128 bytes of a comment, terminating NUL included. */
const COMMENT_MAX_BYTES = 127;

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character. */
export function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (used + size > max) break;
    out += ch;
    used += size;
  }
  return out;
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}

export function containerChainName(info: ContainerInfo): string {
  return `whalewall-${cutToBytes(info.name, NAME_PART_MAX_BYTES)}-${shortId(info.id)}`;
}

export function ruleComment(info: ContainerInfo, what: string): string {
  return cutToBytes(`${info.name} ${what}`, COMMENT_MAX_BYTES);
}

/**
 * `<chain> <user prefix>: `. Trailing colons and spaces of the user's prefix are dropped first so
 * that `dns`, `dns:` and `dns: ` all log as `... dns: `.
 */
export function userLogPrefix(info: ContainerInfo, prefix: string): string {
  const user = prefix.replace(/[:\s]+$/u, '');
  return cutToBytes(`${containerChainName(info)} ${user}: `, KERNEL_LOG_PREFIX_MAX_BYTES);
}

export function dropLogPrefix(info: ContainerInfo): string {
  return `${containerChainName(info)} drop: `;
}
