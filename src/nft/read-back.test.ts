import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LISTING } from './fixtures/listing.ts';
import type { RuleSpec } from '../policy/ruleset.ts';
import { parseRuleText, parseTable } from './read-back.ts';

const DB = 'whalewall-db-1-0123456789ab';
const API = 'whalewall-api-1-9c2e41d0a7b3';

describe('parseTable on a text listing', () => {
  const table = parseTable(LISTING);
  const dbRule = (index: number): RuleSpec => {
    const rule = table.chains[1]?.rules[index];
    assert.ok(rule !== undefined, `rule ${String(index)} of ${DB}`);
    return rule;
  };

  it('reads only container chains, sorted by name', () => {
    assert.deepEqual(
      table.chains.map((c) => c.name),
      [API, DB],
    );
  });

  it('reads sets, prefixes and ranges back as the planner writes them', () => {
    const rule = dbRule(0);
    assert.deepEqual(rule, {
      comment: 'db-1 output[0]',
      family: 'ip',
      saddr: [{ from: '172.20.0.3', to: '172.20.0.3' }],
      daddr: [{ from: '10.0.0.0', to: '10.255.255.255' }],
      proto: 'udp',
      dport: [
        { from: 53, to: 53 },
        { from: 5353, to: 5354 },
      ],
      state: 'new,established',
      verdict: { kind: 'accept' },
    });
  });

  it('reads protocol matches, jumps, queues and the logged drop', () => {
    const [v6, queue, drop] = [dbRule(1), dbRule(2), dbRule(5)];
    assert.deepEqual(v6.daddr, [
      { from: 'fd00:30::', to: 'fd00:30::ffff:ffff:ffff:ffff' },
      { from: 'fd00:40::1', to: 'fd00:40::9' },
    ]);
    assert.equal(v6.proto, 'icmpv6');
    assert.deepEqual(v6.verdict, { kind: 'jump', chain: 'audit' });
    assert.equal(queue.proto, 'icmp');
    assert.deepEqual(queue.verdict, { kind: 'queue', num: 3 });
    assert.equal(drop.logPrefix, `${DB} drop: `);
    assert.deepEqual(drop.verdict, { kind: 'drop' });
  });

  it('keeps a statement whalewall never writes as unrecognised, with its line', () => {
    const reject = dbRule(3);
    assert.match(reject.unrecognised ?? '', /tcp dport 22 counter reject/u);
    assert.equal(reject.comment, 'db-1 output[3]');
  });

  it('reads a rule without a comment with an empty comment', () => {
    assert.equal(dbRule(4).comment, '');
    assert.equal(dbRule(4).unrecognised, undefined);
  });

  it('reads map elements of both families; a verdict other than jump names no chain', () => {
    assert.deepEqual(table.elements, [
      { family: 'ip', addr: '172.20.0.2', chain: API },
      { family: 'ip', addr: '172.20.0.3', chain: DB },
      { family: 'ip', addr: '172.20.0.9', chain: '' },
      { family: 'ip6', addr: 'fd00:20::2', chain: API },
    ]);
  });

  it('reads localhost drops from set elements, protocol by name or number', () => {
    assert.deepEqual(
      table.localhost.map((r) => [r.proto, r.dport?.map((p) => p.from), r.comment]),
      [
        ['tcp', [8080], 'api-1 mapped_ports.localhost'],
        ['udp', [53], 'db-1 mapped_ports.localhost'],
      ],
    );
  });
});

describe('parseRuleText', () => {
  it('treats counter values, which whalewall never asks for, as unrecognised', () => {
    const rule = parseRuleText('ip saddr 10.0.0.1 counter packets 3 bytes 120 accept comment "x"');
    assert.equal(
      rule.unrecognised,
      'ip saddr 10.0.0.1 counter packets 3 bytes 120 accept comment "x"',
    );
  });

  it('rejects a statement after the verdict and a port that is not a number', () => {
    assert.notEqual(parseRuleText('accept ip saddr 10.0.0.1').unrecognised, undefined);
    assert.notEqual(parseRuleText('tcp dport https accept').unrecognised, undefined);
  });
});
