import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatLogLine } from './pretty-log.ts';

describe('formatLogLine', () => {
  it('shows time, level and message first, then the fields', () => {
    const line = JSON.stringify({
      level: 'info',
      time: '2026-12-03T16:02:11.123Z',
      'container.name': 'api',
      rules: 7,
      msg: 'container enforced',
    });
    assert.equal(
      formatLogLine(line),
      '16:02:11 INFO  container enforced container.name=api rules=7',
    );
  });

  it('quotes values with spaces and shows an error by its message', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: '2026-12-03T16:02:11.123Z',
      msg: 'container quarantined',
      message: 'port 70000 is outside 1-65535',
      err: { type: 'Error', message: 'boom', stack: '...' },
    });
    assert.equal(
      formatLogLine(line),
      '16:02:11 WARN  container quarantined message="port 70000 is outside 1-65535" err="boom"',
    );
  });

  it('passes through a line that is not JSON', () => {
    assert.equal(formatLogLine('plain text'), 'plain text');
  });
});
