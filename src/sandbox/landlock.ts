/**
 * Landlock (Documentation/userspace-api/landlock.rst): a ruleset that handles every access right
 * the kernel's ABI knows, rules granting some of them back, then landlock_restrict_self. It binds
 * the calling thread only, which is why index.ts re-executes the program afterwards: the new
 * image starts with a single thread, and every thread it creates inherits the domain.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { WhalewallError } from '../errors.ts';
import { addressOf, errnoName, rawSyscall } from './libc.ts';

// The landlock calls have the same numbers on every architecture (asm-generic table).
const SYS = { createRuleset: 444, addRule: 445, restrictSelf: 446 } as const;
const CREATE_RULESET_VERSION = 1;
const RULE_PATH_BENEATH = 1;
const RULE_NET_PORT = 2;
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;

/** LANDLOCK_ACCESS_FS_* from linux/landlock.h (only those granted back are named). */
export const FS = {
  execute: 1 << 0,
  writeFile: 1 << 1,
  readFile: 1 << 2,
  readDir: 1 << 3,
  removeFile: 1 << 5,
  makeReg: 1 << 8,
  truncate: 1 << 14,
  ioctlDev: 1 << 15,
} as const;
// A rule on a file may carry only these; anything else gives EINVAL.
const FILE_RIGHTS = FS.execute | FS.writeFile | FS.readFile | FS.truncate | FS.ioctlDev;
const NET_BIND_TCP = 1;
const NET_CONNECT_TCP = 2;
const SCOPE_ABSTRACT_UNIX_SOCKET = 1;
const SCOPE_SIGNAL = 2;

export type PathAccess = 'read' | 'execute' | 'read-write' | 'device';

export interface PathRule {
  readonly path: string;
  readonly access: PathAccess;
  /** A missing optional path is skipped; a missing required one stops the sandbox. */
  readonly optional: boolean;
}

export interface LandlockRequest {
  readonly abi: number;
  readonly paths: readonly PathRule[];
  /** TCP ports the process may connect to; undefined leaves TCP connect unrestricted. */
  readonly connectTcpPorts: readonly number[] | undefined;
}

export type AbiProbe = { readonly abi: number } | { readonly abi: 0; readonly errno: number };

function sandboxError(message: string): WhalewallError {
  return new WhalewallError('ERR_SANDBOX', message);
}

/** The highest landlock ABI the kernel offers, or the errno that says why there is none. */
export function probeLandlockAbi(): AbiProbe {
  const { value, errno } = rawSyscall(SYS.createRuleset, [
    ['intptr_t', 0],
    ['size_t', 0],
    ['uint32_t', CREATE_RULESET_VERSION],
  ]);
  return value >= 1 ? { abi: value } : { abi: 0, errno };
}

export interface HandledRights {
  readonly fs: number;
  readonly net: number;
  readonly scoped: number;
}

/** Rights handled at an ABI: every right the kernel can refuse, so nothing is left open. */
export function handledRights(abi: number, restrictConnect: boolean): HandledRights {
  // ABI 1 knows bits 0-12; 2 adds REFER, 3 TRUNCATE, 5 IOCTL_DEV; 4 adds TCP; 6 adds scopes.
  const fsBits = abi >= 5 ? 16 : abi >= 3 ? 15 : abi >= 2 ? 14 : 13;
  const net = NET_BIND_TCP | (restrictConnect ? NET_CONNECT_TCP : 0);
  return {
    fs: 2 ** fsBits - 1,
    net: abi >= 4 ? net : 0,
    scoped: abi >= 6 ? SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL : 0,
  };
}

/** The rights a rule grants, trimmed to what the ABI handles and to what a file may carry. */
export function grantedRights(access: PathAccess, isDirectory: boolean, handledFs: number): number {
  const read = FS.readFile | FS.readDir;
  const wanted = {
    read,
    execute: FS.readFile | FS.execute,
    'read-write': read | FS.writeFile | FS.makeReg | FS.removeFile | FS.truncate,
    device: FS.readFile | FS.writeFile,
  }[access];
  return wanted & handledFs & (isDirectory ? ~0 : FILE_RIGHTS);
}

function createRuleset(rights: HandledRights, abi: number): number {
  const attr = Buffer.alloc(24);
  attr.writeBigUInt64LE(BigInt(rights.fs), 0);
  attr.writeBigUInt64LE(BigInt(rights.net), 8);
  attr.writeBigUInt64LE(BigInt(rights.scoped), 16);

  // The attribute grew with the ABI; an older kernel refuses a longer one with E2BIG.
  const size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
  const { value, errno } = rawSyscall(SYS.createRuleset, [
    ['intptr_t', addressOf(attr)],
    ['size_t', size],
    ['uint32_t', 0],
  ]);
  if (value < 0) throw sandboxError(`landlock_create_ruleset failed with ${errnoName(errno)}`);
  return value;
}

function addRule(rulesetFd: number, type: number, attr: Buffer, what: string): void {
  const { value, errno } = rawSyscall(SYS.addRule, [
    ['int', rulesetFd],
    ['int', type],
    ['intptr_t', addressOf(attr)],
    ['uint32_t', 0],
  ]);
  if (value < 0)
    throw sandboxError(`landlock_add_rule for ${what} failed with ${errnoName(errno)}`);
}

function openPath(rule: PathRule): number | undefined {
  try {
    return openSync(rule.path, O_PATH | O_CLOEXEC);
  } catch (cause) {
    if (rule.optional) return undefined;
    throw new WhalewallError('ERR_SANDBOX', `cannot open "${rule.path}" to allow it`, { cause });
  }
}

/** Adds one path-beneath rule; returns false when an optional path does not exist. */
function addPathRule(rulesetFd: number, rule: PathRule, handledFs: number): boolean {
  const fd = openPath(rule);
  if (fd === undefined) return false;
  try {
    // struct landlock_path_beneath_attr is packed: __u64 allowed_access, __s32 parent_fd.
    const attr = Buffer.alloc(12);
    const rights = grantedRights(rule.access, fstatSync(fd).isDirectory(), handledFs);
    attr.writeBigUInt64LE(BigInt(rights), 0);
    attr.writeInt32LE(fd, 8);
    addRule(rulesetFd, RULE_PATH_BENEATH, attr, `"${rule.path}"`);
    return true;
  } finally {
    closeSync(fd);
  }
}

function addPortRule(rulesetFd: number, port: number): void {
  // struct landlock_net_port_attr: __u64 allowed_access, __u64 port.
  const attr = Buffer.alloc(16);
  attr.writeBigUInt64LE(BigInt(NET_CONNECT_TCP), 0);
  attr.writeBigUInt64LE(BigInt(port), 8);
  addRule(rulesetFd, RULE_NET_PORT, attr, `TCP port ${port}`);
}

function restrictSelf(rulesetFd: number): void {
  const { value, errno } = rawSyscall(SYS.restrictSelf, [
    ['int', rulesetFd],
    ['uint32_t', 0],
  ]);
  if (value < 0) throw sandboxError(`landlock_restrict_self failed with ${errnoName(errno)}`);
}

/**
 * Restricts the calling thread to `request.paths`; no_new_privs must already be set.
 * Returns the paths actually allowed (missing optional ones are left out).
 */
export function restrictToPaths(request: LandlockRequest): readonly string[] {
  const ports = request.abi >= 4 ? request.connectTcpPorts : undefined;
  const restrictConnect = ports !== undefined;
  const rights = handledRights(request.abi, restrictConnect);
  const rulesetFd = createRuleset(rights, request.abi);
  try {
    const allowed = request.paths.filter((rule) => addPathRule(rulesetFd, rule, rights.fs));
    for (const port of ports ?? []) addPortRule(rulesetFd, port);
    restrictSelf(rulesetFd);
    return allowed.map((rule) => rule.path);
  } finally {
    closeSync(rulesetFd);
  }
}
