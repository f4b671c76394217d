/**
 * The three kinds of error trustpatch distinguishes (docs/development.md, code shape rule 6).
 * Only these carry an exit status; anything else is an internal error.
 */

/** Bad input from the user: the message names the value and the next step. Exit 2. */
export class UserError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A command line that yargs rejected (unknown flag, missing argument). Exit 2. */
export class UsageError extends UserError {
  /** `command`: the command as typed (`add`, `registry lint`), whose help the message points at. */
  constructor(message: string, command?: string) {
    super(`${message} (see \`trustpatch ${command === undefined ? '' : `${command} `}--help\`)`);
    this.name = 'UsageError';
  }
}

/** The Docker engine cannot be reached or answered something unusable. Exit 3. */
export class EngineError extends Error {
  readonly exitCode = 3;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
  }
}

/** How a failed command is worded: what is shown of it, where it ran, how much output. */
export interface CommandFailureWording {
  /** The command as shown between backticks (default: the whole argv). */
  shown?: string;
  /** Said after the command: `into /path`, `on /keystore`. */
  where?: string;
  /** Lines of output kept (default 3). */
  lines?: number;
  /** It ran out of time: `timed out` instead of `exited with N`. */
  timedOut?: boolean;
}

/**
 * A command run inside a container (or on the host, for `host`) failed: keeps argv, exit code
 * and the tail of its output (docs/development.md, code shape rule 6). Its message:
 * `` `update-ca-certificates` exited with 1: the last | three | lines ``.
 */
export class ContainerCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number,
    readonly output: string,
    wording: CommandFailureWording = {},
  ) {
    super(commandFailure(argv, exitCode, output, wording));
    this.name = 'ContainerCommandError';
  }
}

/** ContainerCommandError's message, for where the failure is reported rather than thrown. */
export function commandFailure(
  argv: readonly string[],
  exitCode: number,
  output: string,
  { shown = argv.join(' '), where, lines = 3, timedOut = false }: CommandFailureWording = {},
): string {
  return `\`${shown}\`${where === undefined ? '' : ` ${where}`} ${timedOut ? 'timed out' : `exited with ${exitCode}`}: ${tail(output, lines)}`;
}

/** The last few lines of a command's output, for one-line error messages. */
export function tail(output: string, lines = 3): string {
  const kept = output.trim().split('\n').slice(-lines).join(' | ');
  return kept === '' ? '(no output)' : kept;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
