import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WhalewallError } from '../errors.ts';
import { checkBridgeNetfilter } from './bridge-check.ts';
import { parseChainsFile, renderChains } from './chains-file.ts';

const isChainsFileError = (line: number) => (e: unknown) =>
  e instanceof WhalewallError &&
  e.code === 'ERR_NFT_CHAINS_FILE' &&
  e.message.includes(`line ${line}`);

describe('parseChainsFile', () => {
  it('reads chains with one rule per line, skipping comments', () => {
    const text =
      '# audit\nchain audit {\n  log prefix "a: " accept\n}\n\nchain deny {\n  drop\n}\n';
    assert.deepEqual(parseChainsFile(text, 'f'), [
      { name: 'audit', rules: ['log prefix "a: " accept'] },
      { name: 'deny', rules: ['drop'] },
    ]);
  });

  it('refuses a second command hidden behind a semicolon, naming its line', () => {
    const text = 'chain audit {\n  accept; delete table ip filter\n}\n';
    assert.throws(() => parseChainsFile(text, 'f'), isChainsFileError(2));
  });

  it('refuses names whalewall uses itself and unclosed chains', () => {
    assert.throws(() => parseChainsFile('chain whalewall-x {\n}\n', 'f'), isChainsFileError(1));
    assert.throws(() => parseChainsFile('chain forward {\n}\n', 'f'), isChainsFileError(1));
    assert.throws(() => parseChainsFile('table ip filter {\n', 'f'), isChainsFileError(1));
    assert.throws(() => parseChainsFile('chain a {\n  drop\n', 'f'), isChainsFileError(3));
  });

  it('renders every command inside whalewall table', () => {
    const text = renderChains([{ name: 'audit', rules: ['accept'] }]);
    for (const line of text.split('\n'))
      assert.match(line, /^(add|flush) (chain|rule) inet whalewall audit/u);
  });
});

describe('checkBridgeNetfilter', () => {
  it('warns when br_netfilter is missing or a sysctl is off, and is silent when both are on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ww-brnf-'));
    try {
      assert.match(checkBridgeNetfilter(dir) ?? '', /br_netfilter is not loaded/u);
      writeFileSync(join(dir, 'bridge-nf-call-iptables'), '1\n');
      writeFileSync(join(dir, 'bridge-nf-call-ip6tables'), '0\n');
      assert.match(checkBridgeNetfilter(dir) ?? '', /bridge-nf-call-ip6tables=1/u);
      writeFileSync(join(dir, 'bridge-nf-call-ip6tables'), '1\n');
      assert.equal(checkBridgeNetfilter(dir), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
