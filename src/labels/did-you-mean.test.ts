import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editDistance, suggestKey } from './did-you-mean.ts';
import { OUTPUT_KEYS } from './output-rule.ts';

const OUTPUT = OUTPUT_KEYS;

describe('suggestKey', () => {
  it('maps the keys of whalewall 0.2 to their successors', () => {
    assert.equal(suggestKey('ip', OUTPUT), 'ips');
    assert.equal(suggestKey('port', OUTPUT), 'dst_ports');
  });

  it('suggests the nearest key for typos, dashes and capitals', () => {
    assert.equal(suggestKey('protcol', OUTPUT), 'proto');
    assert.equal(suggestKey('dst-ports', OUTPUT), 'dst_ports');
    assert.equal(suggestKey('Network', OUTPUT), 'network');
    assert.equal(suggestKey('contianer', OUTPUT), 'container');
  });

  it('suggests nothing when no key is close', () => {
    assert.equal(suggestKey('banana', OUTPUT), undefined);
  });

  it('counts a transposition as one edit', () => {
    assert.equal(editDistance('porto', 'proto'), 1);
  });
});
