/** What a command may touch of its surroundings; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** True when stdout is a terminal (colours, pretty logs). */
  readonly isTty: boolean;
}

/** Exit codes of every command: see docs/cli.md. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  privilege: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTty: process.stdout.isTTY,
  };
}
