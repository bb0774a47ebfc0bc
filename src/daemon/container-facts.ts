/**
 * The daemon's picture of the containers Docker runs, kept in step with Docker events.
 *
 * Reading events never waits on rule work: an event only starts an inspect (or forgets a
 * container) and then asks for a converge pass. Every container carries a generation number, so
 * an inspect that was overtaken by a later event (a `die` while the `start` was being inspected)
 * is discarded instead of resurrecting a dead container; a full resync likewise keeps whatever
 * events changed while its listing was in flight.
 */
import type { ContainerInfo } from '../docker/types.ts';

export interface FactSource {
  inspect(id: string): Promise<ContainerInfo | undefined>;
  listRunning(): Promise<readonly ContainerInfo[]>;
}

/** The part of a Docker event the daemon acts on. */
export interface FactEvent {
  readonly type: 'container' | 'network';
  readonly action: string;
  readonly containerId: string;
}

export type FactAction = 'refresh' | 'forget' | 'ignore';

/** `die` and `destroy` end a container's addresses at once; the others may change them. */
export function actionFor(event: FactEvent): FactAction {
  if (event.containerId === '') return 'ignore';
  if (event.type === 'network') {
    return event.action === 'connect' || event.action === 'disconnect' ? 'refresh' : 'ignore';
  }
  if (event.action === 'die' || event.action === 'destroy') return 'forget';
  if (event.action === 'start' || event.action === 'rename') return 'refresh';
  return 'ignore';
}

/** A container has rules to enforce while it runs or still holds an address. */
function isLive(info: ContainerInfo): boolean {
  return info.running || info.networks.some((n) => n.ipv4 !== undefined || n.ipv6 !== undefined);
}

export class ContainerFacts {
  readonly #source: FactSource;
  readonly #onChange: () => void;
  readonly #onError: (id: string, err: unknown) => void;
  readonly #facts = new Map<string, ContainerInfo>();
  readonly #touched = new Map<string, number>();
  #clock = 0;
  #ready = false;

  constructor(
    source: FactSource,
    onChange: () => void,
    onError: (id: string, err: unknown) => void,
  ) {
    this.#source = source;
    this.#onChange = onChange;
    this.#onError = onError;
  }

  /**
   * False until the first full listing has arrived. Until then the picture is partial, and
   * converging on it would strip the rules of containers that are running but not yet listed.
   */
  get ready(): boolean {
    return this.#ready;
  }

  snapshot(): readonly ContainerInfo[] {
    return [...this.#facts.values()];
  }

  handle(event: FactEvent): void {
    const action = actionFor(event);
    if (action === 'forget') this.#forget(event.containerId);
    if (action === 'refresh') void this.#refresh(event.containerId);
  }

  /** Replace the picture with a full listing, keeping what events changed meanwhile. */
  async resync(): Promise<void> {
    const startedAt = ++this.#clock;
    const listed = await this.#source.listRunning();
    const listedIds = new Set(listed.map((c) => c.id));
    for (const info of listed) {
      if (!this.#changedSince(info.id, startedAt)) this.#facts.set(info.id, info);
    }
    for (const id of [...this.#facts.keys()]) {
      if (!listedIds.has(id) && !this.#changedSince(id, startedAt)) this.#facts.delete(id);
    }
    this.#ready = true;
    this.#onChange();
  }

  #changedSince(id: string, clock: number): boolean {
    return (this.#touched.get(id) ?? 0) > clock;
  }

  #touch(id: string): number {
    const stamp = ++this.#clock;
    this.#touched.set(id, stamp);
    return stamp;
  }

  #forget(id: string): void {
    this.#touch(id);
    if (this.#facts.delete(id)) this.#changed();
  }

  async #refresh(id: string): Promise<void> {
    const stamp = this.#touch(id);
    let info: ContainerInfo | undefined;
    try {
      info = await this.#source.inspect(id);
    } catch (err) {
      this.#onError(id, err);
      return;
    }
    if (this.#touched.get(id) !== stamp) return;
    if (info !== undefined && isLive(info)) this.#facts.set(id, info);
    else this.#facts.delete(id);
    this.#changed();
  }

  #changed(): void {
    if (this.#ready) this.#onChange();
  }
}
