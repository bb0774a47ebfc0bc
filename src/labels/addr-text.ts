/**
 * One entry of `ips`: an address, a CIDR (host bits may be set, as in the original, so
 * `192.168.1.5/24` means the whole /24), or an inclusive range `A-B` of one family.
 *
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) worked in the original because it handled them
 * as IPv4; they still do: such entries land in the IPv4 set.
 */
import { bitsOf, parseIp, unmapIPv4, type Family, type IpAddress } from './ip-address.ts';

export type AddrParse =
  | { readonly ok: true; readonly family: Family; readonly from: bigint; readonly to: bigint }
  | { readonly ok: false; readonly message: string };

const ALLOWED =
  'an IPv4 or IPv6 address, a CIDR like "10.0.0.0/8", or a range like "10.0.0.1-10.0.0.9"';

export function parseAddrText(text: string): AddrParse {
  if (text === '') return fail(`an empty address is not allowed; write ${ALLOWED}`);
  if (text.includes('%'))
    return fail(
      `${JSON.stringify(text)} has a zone ("%..."), which a firewall rule cannot use; write ${ALLOWED}`,
    );
  if (text.includes('/')) return parseCidr(text);
  if (text.includes('-')) return parseRange(text);
  const address = parseIp(text);
  if (address === undefined) return fail(`${JSON.stringify(text)} is not ${ALLOWED}`);
  const single = unmapIPv4(address);
  return { ok: true, family: single.family, from: single.value, to: single.value };
}

function parseCidr(text: string): AddrParse {
  const [addressText = '', bitsText = '', extra] = text.split('/');
  const parsed = parseIp(addressText);
  if (parsed === undefined || extra !== undefined || !/^\d{1,3}$/u.test(bitsText)) {
    return fail(`${JSON.stringify(text)} is not a valid CIDR; write ${ALLOWED}`);
  }
  const bits = Number(bitsText);
  const maxBits = bitsOf(parsed.family);
  if (bits > maxBits) {
    return fail(
      `prefix length /${bitsText} in ${JSON.stringify(text)} is outside 0-${maxBits} for ${parsed.family === 'v4' ? 'IPv4' : 'IPv6'}`,
    );
  }
  const hostBits = BigInt(maxBits - bits);
  const from = (parsed.value >> hostBits) << hostBits;
  const to = from | ((1n << hostBits) - 1n);
  return rangeOf(
    text,
    { family: parsed.family, value: from },
    { family: parsed.family, value: to },
  );
}

function parseRange(text: string): AddrParse {
  const parts = text.split('-');
  const [startText = '', endText = ''] = parts;
  const start = parseIp(startText);
  const end = parseIp(endText);
  if (parts.length !== 2 || start === undefined || end === undefined) {
    return fail(`${JSON.stringify(text)} is not a valid address range; write ${ALLOWED}`);
  }
  return rangeOf(text, start, end);
}

/** Both ends must be of one family once IPv4-mapped addresses are unmapped, and in order. */
function rangeOf(text: string, start: IpAddress, end: IpAddress): AddrParse {
  const from = unmapIPv4(start);
  const to = unmapIPv4(end);
  if (from.family !== to.family) {
    return fail(
      `range ${JSON.stringify(text)} mixes IPv4 and IPv6; both ends must be of one family`,
    );
  }
  if (from.value > to.value) {
    return fail(
      `range ${JSON.stringify(text)} starts above its end; write the lower address first`,
    );
  }
  return { ok: true, family: from.family, from: from.value, to: to.value };
}

function fail(message: string): AddrParse {
  return { ok: false, message };
}
