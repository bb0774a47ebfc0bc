import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTimeNano, parseEventLine, sinceParam } from './events.ts';
import { EventCursor } from './source.ts';

const ID = 'd'.repeat(64);

function containerLine(action: string, timeNano: string): string {
  return (
    `{"status":"${action}","id":"${ID}","Type":"container","Action":"${action}",` +
    `"Actor":{"ID":"${ID}","Attributes":{"name":"web","whalewall.enabled":"true"}},` +
    `"scope":"local","time":1796316010,"timeNano":${timeNano}}`
  );
}

describe('parseEventLine', () => {
  it('keeps timeNano beyond 2^53 exactly as Docker sent it', () => {
    const event = parseEventLine(containerLine('start', '1796316010057859322'));
    assert.equal(event?.timeNano, '1796316010057859322');
    assert.equal(event.containerId, ID);
    assert.equal(event.attributes['whalewall.enabled'], 'true');
  });

  it('takes the container of a network event from its attributes', () => {
    const line =
      '{"Type":"network","Action":"connect","Actor":{"ID":"net1","Attributes":' +
      `{"container":"${ID}","name":"shop_default","type":"bridge"}},"timeNano":1796316010000000001}`;
    assert.deepEqual(parseEventLine(line), {
      type: 'network',
      action: 'connect',
      containerId: ID,
      timeNano: '1796316010000000001',
      attributes: { container: ID, name: 'shop_default', type: 'bridge' },
    });
  });

  it('ignores lines that are not events of a handled type', () => {
    assert.equal(parseEventLine('{"Type":"image","Action":"pull","timeNano":1}'), undefined);
    assert.equal(parseEventLine('{"Type":"container","Action":"start"}'), undefined);
    assert.equal(parseEventLine('not json "timeNano":12'), undefined);
  });
});

describe('sinceParam', () => {
  it('writes seconds and nanoseconds the way Docker parses them', () => {
    assert.equal(sinceParam('1796316010057859322'), '1796316010.057859322');
    assert.equal(sinceParam('5'), '0.000000005');
  });
});

describe('compareTimeNano', () => {
  it('orders values that differ only beyond double precision', () => {
    assert.equal(compareTimeNano('1796316010057859322', '1796316010057859323'), -1);
    assert.equal(compareTimeNano('1796316010057859322', '1796316010057859322'), 0);
  });
});

describe('EventCursor', () => {
  it('drops replays of the boundary instant and anything older, keeps the rest', () => {
    const cursor = new EventCursor();
    const at = (action: string, t: string) => parseEventLine(containerLine(action, t));
    const accepted = [
      at('start', '1796316010057859322'),
      at('die', '1796316010057859322'),
      at('start', '1796316010057859322'),
      at('die', '1796316010057859321'),
      at('destroy', '1796316010057859323'),
    ].map((e) => (e === undefined ? 'none' : cursor.accept(e)));

    assert.deepEqual(accepted, [true, true, false, false, true]);
    assert.equal(cursor.since, '1796316010057859323');
  });
});
