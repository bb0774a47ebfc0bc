/**
 * Runs one async task at a time and coalesces requests: asking while a run is in progress
 * schedules exactly one more run after it, however often it was asked. A burst of Docker events
 * therefore costs one pass over the rules rather than one per event.
 */
export class SerialTask {
  readonly #task: () => Promise<void>;
  readonly #onError: (err: unknown) => void;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(task: () => Promise<void>, onError: (err: unknown) => void) {
    this.#task = task;
    this.#onError = onError;
  }

  /** Ask for a run; resolves when a run that started after this call has finished. */
  request(): Promise<void> {
    if (this.#running !== undefined) {
      // The loop below checks the flag before it ends, so the current promise covers this ask.
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop();
    return this.#running;
  }

  /** Resolves once no run is in progress or pending. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async #loop(): Promise<void> {
    // Yield once so that events read in the same tick join this run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    do {
      this.#again = false;
      try {
        await this.#task();
      } catch (err) {
        this.#onError(err);
      }
    } while (this.#askedDuringRun());
    this.#running = undefined;
  }

  #askedDuringRun(): boolean {
    return this.#again;
  }
}
