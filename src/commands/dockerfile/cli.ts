import { runDockerfile } from './run.js';
import { parseStores } from '../../app-stores/types.js';
import { writeLine, type Io } from '../../cli/io.js';
import { engineChoice } from '../../cli/options.js';
import { passwordFrom } from '../../cli/intake-options.js';

export interface DockerfileArgs {
  certificate: string;
  container?: string;
  family?: string;
  name?: string;
  stores: string[];
  writeCerts?: string;
  passwordFile?: string;
  passwordEnv?: string;
  host?: string | string[];
  context?: string | string[];
}

/** Prints the Dockerfile lines on stdout (ready to paste); warnings on stderr. */
export async function dockerfileCli(args: DockerfileArgs, io: Io): Promise<number> {
  const password = await passwordFrom(args, io);
  const report = await runDockerfile({
    certificate: args.certificate,
    container: args.container,
    family: args.family,
    name: args.name,
    password,
    stores: args.stores.length > 0 ? parseStores(args.stores) : undefined,
    writeCerts: args.writeCerts,
    ...engineChoice(args, io.env),
  });
  for (const warning of report.warnings) writeLine(io.stderr, `warning: ${warning}`);
  for (const path of report.written) writeLine(io.stderr, `wrote ${path}`);
  for (const line of report.lines) writeLine(io.stdout, line);
  return 0;
}
