/**
 * One entry of `src_ports` / `dst_ports`: a port `443` or an inclusive range `8000-8080`.
 * Stricter than the original: port 0, ports above 65535 and ranges that start above their end
 * are rejected instead of silently never matching.
 */

export type PortParse =
  | { readonly ok: true; readonly from: number; readonly to: number }
  | { readonly ok: false; readonly message: string };

const ALLOWED = 'a port 1-65535 or a range like "8000-8080"';

export function parsePortText(text: string): PortParse {
  if (text === '') return fail(`an empty port is not allowed; write ${ALLOWED}`);
  const bad = /[^0-9-]/u.exec(text);
  if (bad !== null) {
    return fail(
      `port ${JSON.stringify(text)} contains ${JSON.stringify(bad[0])}; write ${ALLOWED}`,
    );
  }
  const parts = text.split('-');
  if (parts.length > 2)
    return fail(`port range ${JSON.stringify(text)} has more than one "-"; write ${ALLOWED}`);
  const [start = '', end] = parts;
  if (end === undefined) return single(text, start);
  if (start === '' || end === '') {
    return fail(`port range ${JSON.stringify(text)} needs a start and an end; write ${ALLOWED}`);
  }
  return range(text, start, end);
}

function single(text: string, digits: string): PortParse {
  const port = parseDigits(digits);
  const problem = checkPort(port, digits, '');
  return problem ?? { ok: true, from: port, to: port };
}

function range(text: string, start: string, end: string): PortParse {
  const from = parseDigits(start);
  const to = parseDigits(end);
  const where = ` in range ${JSON.stringify(text)}`;
  const problem = checkPort(from, start, where) ?? checkPort(to, end, where);
  if (problem !== undefined) return problem;
  if (from > to) {
    return fail(`port range ${JSON.stringify(text)} starts above its end; write "${to}-${from}"`);
  }
  return { ok: true, from, to };
}

/** Digits to a number; very long inputs saturate instead of losing precision. */
function parseDigits(digits: string): number {
  const significant = digits.replace(/^0+(?=\d)/u, '');
  return significant.length > 6 ? Number.MAX_SAFE_INTEGER : Number(significant);
}

function checkPort(port: number, digits: string, where: string): PortParse | undefined {
  if (port === 0) return fail(`port ${digits}${where} is not allowed; ports are 1-65535`);
  if (port > 65535) return fail(`port ${digits}${where} is outside 1-65535`);
  return undefined;
}

function fail(message: string): PortParse {
  return { ok: false, message };
}
