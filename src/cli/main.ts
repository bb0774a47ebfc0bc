#!/usr/bin/env node
/**
 * whalewall's entry point: picks the subcommand and turns its result into the exit code. Command
 * modules load on demand, so `lint` and `status` never load libnftables or koffi.
 */
import { selectCommand } from './args.ts';
import { EXIT, processIo, type CliIo } from './io.ts';

const USAGE = `Usage: whalewall <command> [flags]

Commands:
  run       watch Docker and enforce every enabled container's labels (the default)
  clear     remove everything whalewall put into the kernel
  status    show each managed container's state (--json for machines)
  history   what whalewall applied for a container, or its rules at a time (--at 14:02)
  lint      check compose files or a rules document (whalewall lint --help)
  version   print the version

See docs/cli.md for every flag. The original's -d, -debug, -l, -t, -clear and -version work too.
`;

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const { command, rest } = selectCommand(argv);
  switch (command) {
    case 'run':
      return (await import('./run.ts')).runRun(rest, io);
    case 'clear':
      return (await import('./clear.ts')).runClear(rest, io);
    case 'status':
      return (await import('./status.ts')).runStatus(rest, io);
    case 'history':
      return (await import('./history.ts')).runHistory(rest, io);
    case 'lint':
      return (await import('./lint.ts')).runLint(rest, io);
    case 'version':
      return (await import('./version.ts')).runVersion(io);
    case 'help':
      io.stdout(USAGE);
      return EXIT.ok;
  }
}

function describeUnexpected(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

const io = processIo();
try {
  process.exitCode = await dispatch(process.argv.slice(2), io);
} catch (err) {
  io.stderr(`whalewall: unexpected failure: ${describeUnexpected(err)}\n`);
  process.exitCode = EXIT.failure;
}
