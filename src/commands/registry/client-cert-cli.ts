import { clientCertDocument } from './json.js';
import { runClientCert } from './client-cert.js';
import { writeLine, type Io } from '../../cli/io.js';
import { actionLine, certificateSummary, json } from './render.js';

export interface RegistryClientCertArgs {
  caCert: string;
  caKey: string;
  caKeyPassphraseEnv?: string;
  cn: string;
  out: string;
  name: string;
  days: number;
  force: boolean;
  json: boolean;
}

/** The terminal side of `registry client-cert`: the new certificate and the files written (never the key). */
export async function registryClientCertCli(args: RegistryClientCertArgs, io: Io): Promise<number> {
  const report = await runClientCert({
    caCert: args.caCert,
    caKey: args.caKey,
    caKeyPassphraseEnv: args.caKeyPassphraseEnv,
    commonName: args.cn,
    outDir: args.out,
    name: args.name,
    days: args.days,
    force: args.force,
  });
  if (args.json) {
    writeLine(io.stdout, json(clientCertDocument(report)));
    return 0;
  }
  for (const warning of report.warnings) writeLine(io.stderr, `warning: ${warning}`);
  writeLine(io.stdout, certificateSummary('client certificate', report.certificate));
  writeLine(io.stdout, certificateSummary('signed by', report.ca));
  for (const action of report.actions) writeLine(io.stdout, actionLine(action));
  return 0;
}
