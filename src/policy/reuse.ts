/**
 * Reuse of results between converge passes, so a pass over 1000 containers re-plans only the
 * containers whose inputs changed.
 *
 * A result is kept per key object (a container's `ContainerInfo`, which the daemon's facts keep
 * until Docker reports something new, or a container's plan) together with the inputs it was made
 * from, compared by identity. Inputs are immutable data, so an identical input list gives an equal
 * result, and planning stays a pure function of its arguments. Keys are held weakly: a container
 * that is gone takes its entry with it.
 */
interface Entry {
  readonly inputs: readonly unknown[];
  readonly value: unknown;
}

export class ReuseMemo<K extends object> {
  readonly #entries = new WeakMap<K, Entry>();

  /** The value made last time for `key` from identical `inputs`, else a new one from `make`. */
  get<T>(key: K, inputs: readonly unknown[], make: () => T): T {
    const known = this.#entries.get(key);
    if (known !== undefined && isSameList(known.inputs, inputs)) return known.value as T;
    const value = make();
    this.#entries.set(key, { inputs, value });
    return value;
  }
}

function isSameList(x: readonly unknown[], y: readonly unknown[]): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
