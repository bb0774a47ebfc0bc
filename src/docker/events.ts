/**
 * Docker's event stream as plain data. Each line of `GET /events` is one JSON object; lines do
 * not align with the chunks of the HTTP body, so the caller splits them with readline.
 *
 * `timeNano` is kept as the decimal string of the raw line: it exceeds 2^53, and `JSON.parse`
 * would round it, which would make `since` resume at a wrong instant.
 */

/** The actions whalewall subscribes to; anything else is filtered out by the engine. */
export const CONTAINER_ACTIONS = ['start', 'die', 'destroy', 'rename'] as const;
export const NETWORK_ACTIONS = ['connect', 'disconnect'] as const;

export interface DockerEvent {
  readonly type: 'container' | 'network';
  readonly action: string;
  /** Full container ID; for network events, the container that was (dis)connected. */
  readonly containerId: string;
  /** Nanoseconds since the epoch, as a decimal string. */
  readonly timeNano: string;
  /** `Actor.Attributes`: a container's labels and name, or a network's name and type. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** The `filters` query value for the subscription. */
export function eventFilters(): string {
  return JSON.stringify({
    type: ['container', 'network'],
    event: [...CONTAINER_ACTIONS, ...NETWORK_ACTIONS],
  });
}

/** Docker's `since` takes seconds with a nanosecond fraction: `1796316010.057859322`. */
export function sinceParam(timeNano: string): string {
  const padded = timeNano.padStart(10, '0');
  return `${padded.slice(0, -9)}.${padded.slice(-9)}`;
}

/** Parses one line; `undefined` for lines that are not an event we handle. */
export function parseEventLine(line: string): DockerEvent | undefined {
  const timeNano = /"timeNano"\s*:\s*(\d+)/.exec(line)?.[1];
  if (timeNano === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const msg = (raw ?? {}) as {
    Type?: unknown;
    Action?: unknown;
    Actor?: { ID?: unknown; Attributes?: unknown };
  };
  const type = msg.Type;
  if ((type !== 'container' && type !== 'network') || typeof msg.Action !== 'string') {
    return undefined;
  }
  const attributes = stringAttributes(msg.Actor?.Attributes);
  const containerId =
    type === 'container' ? actorId(msg.Actor?.ID) : (attributes['container'] ?? '');
  return { type, action: msg.Action, containerId, timeNano, attributes };
}

function actorId(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function stringAttributes(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') out[key] = item;
  }
  return out;
}

/** Orders two `timeNano` strings without losing precision. */
export function compareTimeNano(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
