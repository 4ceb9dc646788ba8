// What every command of the command line is: a summary for `help`, its usage, and a run that takes its
// arguments and the streams and resolves to the exit code.
import { parseArgs } from 'node:util';

/** Where a command writes: lines, without their newline. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  summary: string;
  usage: string;
  run(argv: readonly string[], io: Io): Promise<number>;
}

/** A bad argument: the command line prints it in one line with the command's usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = Record<string, { type: 'string' | 'boolean' }>;

/** The flags of `argv` (no positionals), or a UsageError naming the one that is wrong. */
export function flags<T extends Options>(
  argv: readonly string[],
  options: T,
): { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string } {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as never;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A flag's value from a fixed list, or a UsageError naming the flag and the list. */
export function oneOf<const T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be ${allowed.join(' or ')}, got "${value}"`);
  return value as T;
}
