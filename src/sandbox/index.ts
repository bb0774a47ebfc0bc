/**
 * Privilege reduction of the running daemon: landlock + no_new_privs + re-exec (stage 1), a
 * seccomp allow-list on every thread (stage 2), a test-only self-check, and plain-language
 * reports of missing privileges. See docs/install.md and docs/limitations.md.
 */
export { enterSandbox, lockSyscalls, type SandboxStage, type SyscallLock } from './stages.ts';
export type { SandboxPaths } from './system-paths.ts';
export {
  runSelfCheck,
  runSelfCheckIfRequested,
  SELF_CHECK_ENV,
  type SelfCheckReport,
} from './self-check.ts';
export { describeMissingPrivileges, missingPrivilegeSentences } from './privileges.ts';
export { readConfinementStatus, type ConfinementStatus } from './process-status.ts';
