/** docker-compose (Debian's 1.29) for end-to-end tests: a project in a temporary directory. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ComposeProject {
  readonly name: string;
  readonly file: string;
  run(args: readonly string[], timeoutMs?: number): Promise<string>;
  /** `down -v` and removal of the directory; never throws. */
  remove(): Promise<void>;
}

export function createComposeProject(name: string, yaml: string): ComposeProject {
  const dir = mkdtempSync(join(tmpdir(), 'wwtest-compose-'));
  const file = join(dir, 'docker-compose.yml');
  writeFileSync(file, yaml);
  const run = (args: readonly string[], timeoutMs = 60_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const argv = ['-p', name, '-f', file, ...args];
      execFile('docker-compose', argv, { timeout: timeoutMs }, (err, stdout, stderr) => {
        if (err === null) resolve(stdout);
        else reject(new Error(`docker-compose ${args.join(' ')}: ${stderr}`, { cause: err }));
      });
    });
  return {
    name,
    file,
    run,
    remove: async () => {
      await run(['down', '-v', '--remove-orphans'], 60_000).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
