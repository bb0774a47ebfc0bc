/**
 * How long to wait between attempts to reach Docker, and when to give up. Backoff doubles from
 * `initialMs` to `maxMs`; the budget counts from the start of an outage (the first failure, or
 * the end of a stream) and ends with a successful subscription.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WhalewallError } from '../errors.ts';

export interface RetryOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly budgetMs: number;
}

export const DEFAULT_BACKOFF = { initialMs: 250, maxMs: 10_000 } as const;

export class RetryClock {
  readonly #opts: RetryOptions;
  #delay: number;
  #outageStart: number | undefined;

  constructor(opts: RetryOptions) {
    this.#opts = opts;
    this.#delay = opts.initialMs;
  }

  /** A subscription succeeded: the outage, if any, is over. */
  connected(): void {
    this.#outageStart = undefined;
  }

  /**
   * The stream ended after `livedMs`: the budget starts counting now. The delay starts again
   * from the shortest only after a stream that lived longer than the longest delay, so an engine
   * that accepts and drops the stream at once is not hammered.
   */
  disconnected(livedMs: number): void {
    this.#outageStart ??= Date.now();
    if (livedMs > this.#opts.maxMs) this.#delay = this.#opts.initialMs;
  }

  /**
   * Waits before the next attempt. Throws ERR_DOCKER_UNAVAILABLE, with `lastError` as cause,
   * once the outage has used up the budget; rejects with the abort reason when `signal` fires.
   */
  async wait(lastError: unknown, url: string, signal: AbortSignal): Promise<void> {
    const start = (this.#outageStart ??= Date.now());
    const elapsed = Date.now() - start;
    const left = this.#opts.budgetMs - elapsed;
    if (left <= 0) {
      const message = `Docker at ${url} stayed unreachable for more than ${this.#opts.budgetMs} ms`;
      throw new WhalewallError('ERR_DOCKER_UNAVAILABLE', message, { cause: lastError });
    }
    await sleep(Math.min(this.#delay, left), undefined, { signal });
    this.#delay = Math.min(this.#delay * 2, this.#opts.maxMs);
  }
}
