/**
 * The single registry of whalewall's error and problem codes. Each code has one row in
 * docs/errors.md; `errors.test.ts` fails when the two disagree.
 */

export const ERROR_CODES = [
  // Label language: problems found in `whalewall.enabled` / `whalewall.rules`.
  'ERR_LABEL_SYNTAX',
  'ERR_LABEL_ENABLED',
  'ERR_LABEL_UNKNOWN_KEY',
  'ERR_LABEL_TYPE',
  'ERR_LABEL_VALUE',
  'ERR_LABEL_CONFLICT',
  // `whalewall lint` on compose files.
  'ERR_COMPOSE_FILE',
  'WARN_LINT_CONTAINER',
  'WARN_LINT_NETWORK',
  'WARN_LINT_LABEL_NAME',
  'WARN_LINT_RULES_IGNORED',
  // Resolving label references against what Docker reports.
  'ERR_RESOLVE_NETWORK',
  'ERR_RESOLVE_CONTAINER',
  'ERR_RESOLVE_CHAIN',
  'WARN_HOST_NETWORK',
  // nftables.
  'ERR_NFT_UNAVAILABLE',
  'ERR_NFT_PERMISSION',
  'ERR_NFT_APPLY',
  'ERR_NFT_CHAINS_FILE',
  // Docker engine.
  'ERR_DOCKER_CONFIG',
  'ERR_DOCKER_UNAVAILABLE',
  'ERR_DOCKER_REQUEST',
  // State database.
  'ERR_STATE',
  // Process.
  'ERR_USAGE',
  'ERR_SANDBOX',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * The one error class of whalewall. The message states the broken rule; `cause` keeps the origin.
 */
export class WhalewallError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WhalewallError';
    this.code = code;
  }
}
