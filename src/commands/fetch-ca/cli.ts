import { lstat, writeFile } from 'node:fs/promises';
import { runFetchCa, type FetchCaReport } from './run.js';
import { UserError } from '../../errors.js';
import { reportLines } from '../inspect/details.js';
import { writeLine, type Io } from '../../cli/io.js';
import { timeoutMsOf } from '../../cli/options.js';

export interface FetchCaArgs {
  url: string;
  proxy?: string;
  output?: string;
  force: boolean;
  timeout: number;
}

/**
 * The terminal side of `fetch-ca`. With -o the PEM goes to the file and the report to stdout;
 * without it the PEM alone goes to stdout (so it can be piped to `trustpatch add -`) and the
 * report to stderr.
 */
export async function fetchCaCli(args: FetchCaArgs, io: Io): Promise<number> {
  const timeoutMs = timeoutMsOf(args.timeout);
  // Refuse an existing -o before connecting; the exclusive write below still catches a race.
  if (args.output !== undefined && !args.force && (await lstat(args.output).catch(() => undefined)) !== undefined)
    throw existsError(args.output);
  const report = await runFetchCa({ url: args.url, proxy: args.proxy, env: io.env, timeoutMs });
  const out = args.output === undefined ? io.stderr : io.stdout;
  for (const line of describe(report)) writeLine(out, line);
  if (args.output === undefined) {
    io.stdout.write(report.certificate.pem);
    return 0;
  }
  await writeFile(args.output, report.certificate.pem, { flag: args.force ? 'w' : 'wx', mode: 0o644 }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') throw existsError(args.output!);
      throw new UserError(`-o ${args.output}: cannot write (${error.message}); choose another path.`);
    },
  );
  writeLine(out, `wrote ${args.output}`);
  return 0;
}

const FOUND_BY: Record<FetchCaReport['foundBy'], string> = {
  presented: 'the chain the server presented',
  aia: "following the AIA caIssuers address in the server's certificate",
  'well-known-address': 'asking the proxy for the address where it serves its own CA',
};

function describe(report: FetchCaReport): string[] {
  const via = report.proxy === null ? 'directly (no proxy)' : `through ${report.proxy}`;
  return [
    `connected to ${report.url} ${via}; the server presented ${report.chain.length} certificate${report.chain.length === 1 ? '' : 's'}:`,
    ...report.chain.map((item, index) => `  ${index + 1}. ${item.subject}  (issued by ${item.issuer})`),
    ...report.tried.map((line, index) => `${index === 0 ? 'asked ' : '      '}${line}`),
    `picked ${report.choice}`,
    `found by: ${FOUND_BY[report.foundBy]}`,
    '',
    ...reportLines(report.inspection),
    '',
    'Nothing was trusted: compare the SHA-256 fingerprint with the one your security team or proxy vendor publishes before you `trustpatch add` this file.',
  ];
}

function existsError(path: string): UserError {
  return new UserError(`-o ${path}: the file exists; choose another name, or pass --force to replace it.`);
}
