import { resolvePassword } from '../cert/password.js';
import { exitCodeFor, runAdd } from '../commands/add.js';
import type { InstallMode } from '../patch/types.js';
import type { IntakeArgs } from './intake-options.js';
import { writeLine, type Io } from './io.js';
import { startProgress } from './progress.js';
import { certificateLine, resultLine, summaryLine } from './render.js';

export interface AddArgs extends IntakeArgs {
  certificate: string;
  containers: string[];
  name?: string;
  checkUrl: string[];
  install: InstallMode;
  timeout: number;
  concurrency: number;
  proxy?: string;
  quiet: boolean;
  host?: string;
}

/** The terminal side of `add`: progress while it runs, then one line per container and a summary. */
export async function addCli(args: AddArgs, io: Io): Promise<number> {
  const started = Date.now();
  const password = await resolvePassword({ passwordFile: args.passwordFile, passwordEnv: args.passwordEnv, env: io.env });
  const progress = startProgress(io, args.containers.length, args.quiet);
  try {
    const report = await runAdd({
      certificate: args.certificate,
      containers: args.containers,
      name: args.name,
      password,
      allowExpired: args.allowExpired,
      checkUrls: args.checkUrl,
      install: args.install,
      timeoutMs: args.timeout * 1000,
      concurrency: args.concurrency,
      proxy: args.proxy,
      host: args.host,
      onProgress: progress.onProgress,
    });
    progress.stop();
    for (const warning of report.warnings) writeLine(io.stderr, `warning: ${warning}`);
    for (const item of report.installed) writeLine(io.stdout, certificateLine(item));
    for (const result of report.results) writeLine(io.stdout, resultLine(result));
    writeLine(io.stdout, summaryLine(report.results, Date.now() - started));
    return exitCodeFor(report.results);
  } finally {
    progress.stop();
  }
}
