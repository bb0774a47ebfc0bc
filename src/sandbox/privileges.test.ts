import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingPrivilegeSentences } from './privileges.ts';
import { parseConfinementStatus } from './process-status.ts';

const NET_ADMIN_ONLY = 1n << 12n;
const socket = { path: '/var/run/docker.sock', access: 'ok' };

describe('missing privileges', () => {
  it('says nothing when CAP_NET_ADMIN is effective and the socket opens', () => {
    const facts = { effectiveCapabilities: NET_ADMIN_ONLY, uid: 999, socket };
    assert.deepEqual(missingPrivilegeSentences(facts), []);
  });

  it('names CAP_NET_ADMIN and how to grant it when the capability is missing', () => {
    const [sentence] = missingPrivilegeSentences({ effectiveCapabilities: 0n, uid: 999, socket });
    assert.match(sentence ?? '', /lacks CAP_NET_ADMIN.*AmbientCapabilities=CAP_NET_ADMIN/s);
  });

  it('names the user, the socket and its group when the socket is refused', () => {
    const refused = { ...socket, access: 'EACCES', groupId: 998 };
    const facts = { effectiveCapabilities: NET_ADMIN_ONLY, uid: 999, socket: refused };
    assert.deepEqual(missingPrivilegeSentences(facts), [
      'User 999 cannot open the Docker socket /var/run/docker.sock (EACCES). ' +
        'Add the user to group 998 (usually "docker"), or run whalewall as root.',
    ]);
  });

  it('does not count a socket that does not exist yet: Docker may still be starting', () => {
    const facts = {
      effectiveCapabilities: NET_ADMIN_ONLY,
      uid: 0,
      socket: { ...socket, access: 'ENOENT' },
    };
    assert.deepEqual(missingPrivilegeSentences(facts), []);
  });

  it('skips the socket when Docker is reached over TCP', () => {
    assert.deepEqual(
      missingPrivilegeSentences({ effectiveCapabilities: NET_ADMIN_ONLY, uid: 0 }),
      [],
    );
  });
});

describe('process status', () => {
  it('reads no_new_privs, the seccomp mode and the effective capabilities', () => {
    const text = 'Name:\tnode\nCapEff:\t0000000000001000\nNoNewPrivs:\t1\nSeccomp:\t2\n';
    assert.deepEqual(parseConfinementStatus(text), {
      noNewPrivs: true,
      seccompMode: 2,
      effectiveCapabilities: NET_ADMIN_ONLY,
    });
  });
});
