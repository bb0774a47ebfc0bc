/** One thing `whalewall lint` reports, positioned in the file it read. */
import type { ErrorCode } from '../errors.ts';

export interface LintFinding {
  readonly file: string;
  readonly code: ErrorCode;
  readonly severity: 'error' | 'warning';
  /** The compose service the label belongs to, when there is one. */
  readonly service?: string;
  readonly label?: string;
  /** YAML path inside the label, '' for the label or file as a whole. */
  readonly path: string;
  /** 1-based line and column in the file. */
  readonly line: number;
  readonly column: number;
  readonly length: number;
  readonly message: string;
}
