import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseGoFlags, parseDaemonOptions, selectCommand } from './args.ts';
import { parseDuration } from './duration.ts';

describe('command line', () => {
  it('reads the original Go-style flags as long options', () => {
    assert.deepEqual(normaliseGoFlags(['-debug', '-d', '/data', '-clear=true']), [
      '--debug',
      '-d',
      '/data',
      '--clear=true',
    ]);
  });

  it('runs the daemon for a flat legacy command line', () => {
    const line = selectCommand(['-d', '/data', '-debug', '-t', '45s']);
    assert.equal(line.command, 'run');
    const parsed = parseDaemonOptions(line.rest);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.dataDir, '/data');
    assert.equal(parsed.value.logLevel, 'debug');
    assert.equal(parsed.value.timeoutMs, 45_000);
  });

  it('maps -clear and -version to their subcommands', () => {
    assert.equal(selectCommand(['-clear', '-d', '/data']).command, 'clear');
    assert.deepEqual(selectCommand(['-clear', '-d', '/data']).rest, ['-d', '/data']);
    assert.equal(selectCommand(['-version']).command, 'version');
    assert.equal(selectCommand(['status', '--json']).command, 'status');
  });

  it('rejects an unknown flag and a malformed duration with a message', () => {
    const unknown = parseDaemonOptions(['--bogus']);
    assert.ok(!unknown.ok);
    assert.match(unknown.message, /bogus/);
    const duration = parseDaemonOptions(['-t', 'soon']);
    assert.ok(!duration.ok);
    assert.match(duration.message, /"soon" is not a duration/);
  });
});

describe('parseDuration', () => {
  it('accepts Go duration forms and bare seconds', () => {
    assert.equal(parseDuration('10s'), 10_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('2'), 2000);
  });

  it('refuses text that is not entirely a duration', () => {
    assert.equal(parseDuration('10 s'), undefined);
    assert.equal(parseDuration('10sx'), undefined);
    assert.equal(parseDuration(''), undefined);
  });
});
