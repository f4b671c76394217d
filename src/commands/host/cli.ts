import { timeoutMsOf } from '../../cli/options.js';
import { loadCertificates } from '../../cert/load.js';
import { exitCodeFor } from '../add/run.js';
import { runHostAdd, runHostRemove, runHostStatus } from './run.js';
import { removeExitCode } from '../remove/run.js';
import { statusExitCode } from '../status/run.js';
import { hostTrust } from '../../host/host-trusts.js';
import { LocalClient } from '../../host/local-client.js';
import { addDocument } from '../add/json.js';
import { statusDocument } from '../status/json.js';
import { removeDocument } from '../remove/json.js';
import { type IntakeArgs, passwordFrom } from '../../cli/intake-options.js';
import { writeLine, type Io } from '../../cli/io.js';
import { warningLines } from '../../cli/render.js';
import { addTable, certificateLine, planLines } from '../add/table.js';
import { statusLines, statusTable } from '../status/table.js';
import { removeLines, removeTable } from '../remove/table.js';
import { restartLines } from '../../cli/render.js';
import { statusPainter } from '../../cli/style.js';
import { UserError } from '../../errors.js';
import { osStoreFor } from '../../host/os-stores.js';
import { hostOsCli } from './os-cli.js';

interface HostArgs {
  root?: string;
  timeout: number;
  json: boolean;
}

export interface HostAddArgs extends HostArgs, IntakeArgs {
  certificate: string;
  name?: string;
  checkUrl: string[];
  proxy?: string;
  dryRun: boolean;
}

/** `trustpatch host add`: one row for the tree, then what still needs a restart. */
export async function hostAddCli(args: HostAddArgs, io: Io, argv: readonly string[]): Promise<number> {
  const { started, password, store } = await hostStart(args, io);
  if (store)
    return hostOsCli(
      store,
      {
        verb: 'add',
        certificate: args.certificate,
        name: args.name,
        password,
        allowExpired: args.allowExpired,
        allowLeaf: args.allowLeaf,
        json: args.json,
        commandLine: common(args, argv).commandLine,
      },
      io,
    );
  const report = await runHostAdd({
    ...common(args, argv),
    certificate: args.certificate,
    name: args.name,
    password,
    allowExpired: args.allowExpired,
    allowLeaf: args.allowLeaf,
    checkUrls: args.checkUrl,
    proxy: args.proxy,
    dryRun: args.dryRun,
  });
  const results = [{ ...report.result, engine: endpointOf(report.root) }];
  const exitCode = exitCodeFor(results);
  for (const warning of report.warnings) writeLine(io.stderr, `warning: ${warning}`);
  if (args.json) {
    const document = addDocument({
      engines: [endpointOf(report.root)],
      installed: report.installed,
      warnings: report.warnings,
      results,
      durationMs: Date.now() - started,
      exitCode,
      interrupted: false,
    });
    writeLine(io.stdout, JSON.stringify({ ...document, restartAdvice: report.advice }, null, 2));
    return exitCode;
  }
  for (const item of report.installed) writeLine(io.stdout, certificateLine(item));
  writeLine(io.stdout, addTable(results, statusPainter(io)));
  for (const line of [
    ...warningLines(results),
    ...planLines(results),
    ...restartLines(report.result.name, report.result.restartNeeded),
    ...report.advice.map((a) => `restart: ${a}`),
  ])
    writeLine(io.stdout, line);
  return exitCode;
}

export interface HostRemoveArgs extends HostArgs {
  certificate: string;
  passwordFile?: string;
  passwordEnv?: string;
  dryRun: boolean;
}

export async function hostRemoveCli(args: HostRemoveArgs, io: Io, argv: readonly string[]): Promise<number> {
  const { started, password, store } = await hostStart(args, io);
  if (store)
    return hostOsCli(
      store,
      {
        verb: 'remove',
        certificate: args.certificate,
        password,
        json: args.json,
        commandLine: common(args, argv).commandLine,
      },
      io,
    );
  const report = await runHostRemove({
    ...common(args, argv),
    certificate: args.certificate,
    password,
    dryRun: args.dryRun,
  });
  const results = [{ ...report.result, engine: endpointOf(report.root) }];
  const exitCode = removeExitCode(results);
  if (args.json) {
    const document = removeDocument({
      engines: [endpointOf(report.root)],
      target: report.target,
      results,
      durationMs: Date.now() - started,
      exitCode,
      interrupted: false,
    });
    writeLine(io.stdout, JSON.stringify({ ...document, restartAdvice: report.advice }, null, 2));
    return exitCode;
  }
  writeLine(io.stdout, removeTable(results, statusPainter(io)));
  for (const line of [...removeLines(results), ...warningLines(results), ...report.advice.map((a) => `restart: ${a}`)])
    writeLine(io.stdout, line);
  return exitCode;
}

export interface HostStatusArgs extends HostArgs, IntakeArgs {
  certificate?: string;
}

/** Exit 1 also when a certificate was named and the tree does not trust it. */
export async function hostStatusCli(args: HostStatusArgs, io: Io): Promise<number> {
  const started = Date.now();
  const store = args.root === undefined ? osStoreFor(process.platform) : undefined;
  if (store) return hostOsCli(store, { verb: 'status', json: args.json, commandLine: '' }, io);
  const report = await runHostStatus(common(args, []));
  const results = [{ ...report.result, engine: endpointOf(report.root) }];
  let exitCode = statusExitCode(results);
  let trust: Awaited<ReturnType<typeof hostTrust>> | undefined;
  if (args.certificate !== undefined) {
    const password = await passwordFrom(args, io);
    const loaded = await loadCertificates(args.certificate, { password, allowExpired: true, validate: false });
    if (loaded.certificates.length !== 1)
      throw new UserError(
        `${args.certificate} holds ${loaded.certificates.length} certificates: host status asks about one CA at a time`,
      );
    trust = await hostTrust(loaded.certificates[0]!, report.root);
    if (!trust.trusted) exitCode = Math.max(exitCode, 1);
  }
  if (args.json) {
    const document = statusDocument({
      engines: [endpointOf(report.root)],
      results,
      durationMs: Date.now() - started,
      exitCode,
      interrupted: false,
    });
    writeLine(io.stdout, JSON.stringify({ ...document, ...(trust ? { trust } : {}) }, null, 2));
    return exitCode;
  }
  writeLine(io.stdout, statusTable(results, statusPainter(io)));
  for (const line of statusLines(results)) writeLine(io.stdout, line);
  if (trust) writeLine(io.stdout, trustLine(args.certificate!, report.root, trust));
  return exitCode;
}

function trustLine(file: string, root: string, trust: Awaited<ReturnType<typeof hostTrust>>): string {
  const where = [
    ...(trust.anchor ? [`anchor ${trust.anchor}`] : []),
    ...trust.bundles.filter((b) => b.present).map((b) => `bundle ${b.path}`),
  ];
  const missing = trust.bundles.filter((b) => !b.present).map((b) => b.path);
  if (trust.trusted) return `${root} trusts ${file} (${where.join(', ')})`;
  const why = [
    ...(trust.bundles.length === 0
      ? ['there is no CA bundle']
      : missing.length > 0
        ? [`not in ${missing.join(', ')}`]
        : []),
    ...(trust.anchorDir !== undefined && trust.anchor === undefined
      ? [`no anchor in ${trust.anchorDir} holds it`]
      : []),
  ];
  return `${root} does not trust ${file}: ${why.join('; ')}`;
}

/**
 * What host add and remove start with: the time, the password, and this machine's own store
 * when it is not Linux's (macOS, Windows: src/host/os-stores.ts); with --root, never.
 */
async function hostStart(args: HostArgs & { passwordFile?: string; passwordEnv?: string }, io: Io) {
  return {
    started: Date.now(),
    password: await passwordFrom(args, io),
    store: args.root === undefined ? osStoreFor(process.platform) : undefined,
  };
}

function common(args: HostArgs, argv: readonly string[]) {
  return {
    root: args.root,
    timeoutMs: timeoutMsOf(args.timeout),
    commandLine: ['trustpatch', ...argv].map(shellWord).join(' '),
  };
}

function endpointOf(root: string): string {
  return new LocalClient(root).endpoint;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
