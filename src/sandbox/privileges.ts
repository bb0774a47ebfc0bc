/**
 * Says in plain sentences which privilege `whalewall run` lacks: CAP_NET_ADMIN in the effective
 * set (to change the ruleset) and read-write access to the Docker socket (to follow containers).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { readConfinementStatus } from './process-status.ts';

const CAP_NET_ADMIN = 12n;

export interface PrivilegeFacts {
  readonly effectiveCapabilities: bigint;
  readonly uid: number;
  /** Undefined when Docker is reached over TCP. */
  readonly socket?: {
    readonly path: string;
    /** `ok`, or the error code of opening it for reading and writing. */
    readonly access: string;
    readonly groupId?: number;
  };
}

function netAdminSentence(facts: PrivilegeFacts): string[] {
  if ((facts.effectiveCapabilities >> CAP_NET_ADMIN) & 1n) return [];
  return [
    'The process lacks CAP_NET_ADMIN, so the kernel will refuse every change to the nftables ' +
      'ruleset. Run whalewall as root, or grant the capability: AmbientCapabilities=' +
      'CAP_NET_ADMIN in its systemd unit, or --cap-add NET_ADMIN for its container.',
  ];
}

function socketSentence(facts: PrivilegeFacts): string[] {
  const socket = facts.socket;
  if (socket === undefined || socket.access === 'ok') return [];
  // A socket that does not exist yet is no missing privilege: Docker may still be starting, and
  // the daemon waits for it within --docker-budget, then exits non-zero.
  if (socket.access === 'ENOENT') return [];
  const group = socket.groupId === undefined ? 'the group that owns it' : `group ${socket.groupId}`;
  return [
    `User ${facts.uid} cannot open the Docker socket ${socket.path} (${socket.access}). ` +
      `Add the user to ${group} (usually "docker"), or run whalewall as root.`,
  ];
}

/** Sentences for every missing privilege; empty when nothing is missing. */
export function missingPrivilegeSentences(facts: PrivilegeFacts): readonly string[] {
  return [...netAdminSentence(facts), ...socketSentence(facts)];
}

function socketFacts(socketPath: string): NonNullable<PrivilegeFacts['socket']> {
  try {
    accessSync(socketPath, constants.R_OK | constants.W_OK);
    return { path: socketPath, access: 'ok' };
  } catch (error) {
    const access = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    const groupId = access === 'ENOENT' ? undefined : statSync(socketPath).gid;
    return groupId === undefined
      ? { path: socketPath, access }
      : { path: socketPath, access, groupId };
  }
}

/**
 * Checks this process. `dockerSocketPath` is the unix socket the daemon will use, or undefined
 * when DOCKER_HOST points at TCP.
 */
export function describeMissingPrivileges(dockerSocketPath: string | undefined): readonly string[] {
  const facts: PrivilegeFacts = {
    effectiveCapabilities: readConfinementStatus().effectiveCapabilities,
    uid: process.getuid?.() ?? -1,
    ...(dockerSocketPath === undefined ? {} : { socket: socketFacts(dockerSocketPath) }),
  };
  return missingPrivilegeSentences(facts);
}
