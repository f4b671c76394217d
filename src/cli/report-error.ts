import { EngineError, UserError } from '../errors.js';
import { writeLine, type Io } from './io.js';

/**
 * The one place errors become output (docs/development.md, code shape rule 6): a user or engine error is one line
 * naming the input and the next step; anything else is a bug, printed with its stack.
 */
export function reportError(error: unknown, io: Io): number {
  if (error instanceof UserError || error instanceof EngineError) {
    writeLine(io.stderr, `trustpatch: ${(error as Error).message}`);
    return (error as { exitCode: number }).exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeLine(io.stderr, `trustpatch: internal error, please report it with this output:\n${stack}`);
  return 70;
}
