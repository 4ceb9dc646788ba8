// The command line other repositories' CI runs (`npx ada-end-users-contract <command>`): one table of
// commands, each with its usage and its run; exit codes as the scripts here have always used them
// (0 pass, 1 violations or breaking changes, 2 usage, setup or no verdict). A bad argument is one line and
// the usage, never a stack trace. `main` takes its arguments and streams, so tests run it in process.
import { openapiDocument } from '../contract/spec.js';
import { checkBreakingCommand } from './check-breaking.js';
import { mockCommand } from './mock.js';
import { specCommand } from './spec.js';
import { verifyCommand } from './verify.js';
import { BIN, packageVersion } from './version.js';
import { type Command, type Io, UsageError } from './command.js';

export { BIN };

const COMMANDS: Readonly<Record<string, Command>> = {
  mock: mockCommand,
  verify: verifyCommand,
  'check-breaking': checkBreakingCommand,
  spec: specCommand,
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    `usage: ${BIN} <command> [options]   (${BIN} <command> --help for its options)`,
    '',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    `  --version  the package's version and the contract's`,
    '',
    'Exit codes: 0 pass, 1 violations or breaking changes, 2 usage, setup, or no verdict.',
  ].join('\n');
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' && rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
    io.out(topic ? topic.usage : help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${BIN} ${packageVersion()} (contract ${openapiDocument.info.version})`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`${BIN}: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (${BIN} help)`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${BIN} ${name}: ${error.message}\n${command.usage}`);
      return 2;
    }
    // Anything else is no verdict either: one line, never a stack trace, never a pass.
    io.err(`${BIN} ${name}: ${(error as Error).message ?? String(error)}`);
    return 2;
  }
}
