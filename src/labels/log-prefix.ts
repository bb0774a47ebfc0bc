/**
 * `log_prefix`: whalewall logs `<container part> <user prefix>: `, and the kernel keeps only 127
 * bytes of a log prefix, so the user's part must fit what the container part leaves over.
 */
import {
  CONTAINER_LOG_PART_MAX_BYTES,
  KERNEL_LOG_PREFIX_MAX_BYTES,
  USER_LOG_PREFIX_MAX_BYTES,
} from './model.ts';
import { report, spanOf, type ReadContext } from './problem.ts';
import { INVALID, readString, type Read } from './scalars.ts';
import type { MapField } from './yaml-nodes.ts';

export function readLogPrefix(ctx: ReadContext, field: MapField | undefined): Read<string> {
  const prefix = readString(ctx, field);
  if (typeof prefix !== 'string' || field === undefined) return prefix;
  const bytes = Buffer.byteLength(prefix);
  if (bytes <= USER_LOG_PREFIX_MAX_BYTES) return prefix;
  const message =
    `log prefix ${JSON.stringify(prefix)} is ${bytes} bytes; at most ${USER_LOG_PREFIX_MAX_BYTES} fit, because ` +
    `the kernel keeps ${KERNEL_LOG_PREFIX_MAX_BYTES} bytes and whalewall adds up to ` +
    `${CONTAINER_LOG_PART_MAX_BYTES} for "whalewall-<container>-<id>", a space and ": "`;
  report(ctx, { code: 'ERR_LABEL_VALUE', path: field.path, at: spanOf(field.value), message });
  return INVALID;
}
