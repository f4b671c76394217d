/** Where the CLI writes, and what it knows of the terminal: injected so tests can capture it. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  columns: number;
}

export function defaultIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, columns: process.stdout.columns ?? 100 };
}

export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}
