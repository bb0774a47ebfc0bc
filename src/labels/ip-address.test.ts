import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIp, parseIp } from './ip-address.ts';

function roundTrip(text: string): string | undefined {
  const address = parseIp(text);
  return address === undefined ? undefined : formatIp(address.family, address.value);
}

describe('IP address text', () => {
  it('writes IPv6 in RFC 5952 form', () => {
    assert.equal(roundTrip('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(roundTrip('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
    assert.equal(roundTrip('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1');
    assert.equal(roundTrip('1:0:2:3:4:5:6:7'), '1:0:2:3:4:5:6:7');
    assert.equal(roundTrip('::'), '::');
    assert.equal(roundTrip('fe80::'), 'fe80::');
    assert.equal(roundTrip('::2:3:4:5:6:7:8'), '0:2:3:4:5:6:7:8');
  });

  it('reads an IPv4 tail inside IPv6', () => {
    assert.equal(roundTrip('64:ff9b::192.0.2.33'), '64:ff9b::c000:221');
  });

  it('rejects malformed addresses', () => {
    for (const bad of [
      '1.2.3',
      '1.2.3.256',
      '01.2.3.4',
      '1::2::3',
      ':1::',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      'g::1',
      '1.2.3.4::',
    ]) {
      assert.equal(parseIp(bad), undefined, bad);
    }
  });
});
