import type { Argv } from 'yargs';
import type { Io } from './io.js';
import { engineOptions } from './options.js';
import type { Declare } from './usage-context.js';

/**
 * `trustpatch registry ...`: flag declarations only (docs/development.md, code shape rule 5). Each handler lazy-loads
 * its CLI module, which calls src/commands/registry-*.ts and renders the result.
 */
export function registryCommands(y: Argv, io: Io, setExit: (code: number) => void, declare: Declare): Argv {
  return y
    .command(
      'add <registry>',
      'make a Docker engine trust a registry: CA and client certificate into certs.d/<host[:port]>/',
      declare('registry add', 'add <registry>', (a) =>
        engineOptions(a, 'one')
          .positional('registry', {
            type: 'string',
            demandOption: true,
            describe: 'registry host[:port] as written in image names',
          })
          .option('ca', {
            type: 'string',
            describe: 'CA certificate of the registry (PEM, DER, ...): written as ca.crt',
          })
          .option('client-cert', {
            type: 'string',
            describe: 'client certificate for registries that require one: written as CLIENT-NAME.cert',
          })
          .option('client-key', {
            type: 'string',
            describe: 'its private key (PEM): written as CLIENT-NAME.key, mode 0600',
          })
          .option('client-name', {
            type: 'string',
            default: 'client',
            describe: 'base name of the client certificate files',
          })
          .option('certs-dir', {
            type: 'string',
            default: '/etc/docker/certs.d',
            describe: 'the engine’s certs.d directory',
          })
          .option('container', {
            type: 'string',
            describe: 'write into this container (a Docker-in-Docker engine) instead of this machine',
          })
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'replace a different client certificate of the same name',
          })
          .option('dry-run', {
            type: 'boolean',
            default: false,
            describe: 'report what would be written, write nothing',
          })
          .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' }),
      ),
      async (args) => {
        const { registryAddCli } = await import('../commands/registry/add-cli.js');
        setExit(await registryAddCli(args, io));
      },
    )
    .command(
      'lint [dir]',
      'check a certs.d tree the way the engine reads it; exit 1 when something is wrong',
      declare('registry lint', 'lint [dir]', (a) =>
        a
          .positional('dir', { type: 'string', default: '/etc/docker/certs.d', describe: 'the certs.d directory' })
          .option('json', { type: 'boolean', default: false, describe: 'print the findings as JSON' }),
      ),
      async (args) => {
        const { registryLintCli } = await import('../commands/registry/lint-cli.js');
        setExit(await registryLintCli(args, io));
      },
    )
    .command(
      'client-cert',
      'make a client key and certificate signed by a CA, named as certs.d expects',
      declare('registry client-cert', 'client-cert', (a) =>
        a
          .option('ca-cert', {
            type: 'string',
            demandOption: true,
            describe: 'CA certificate that signs (the registry’s clientcas)',
          })
          .option('ca-key', {
            type: 'string',
            demandOption: true,
            describe: 'its private key (PEM; RSA, EC or Ed25519)',
          })
          .option('ca-key-passphrase-env', {
            type: 'string',
            describe: 'environment variable holding the CA key’s passphrase',
          })
          .option('cn', { type: 'string', demandOption: true, describe: 'common name of the client certificate' })
          .option('out', {
            alias: 'o',
            type: 'string',
            demandOption: true,
            describe: 'directory to write NAME.cert, NAME.key and ca.crt into',
          })
          .option('name', { type: 'string', default: 'client', describe: 'base name of the files' })
          .option('days', { type: 'number', default: 365, describe: 'validity in days' })
          .option('force', { type: 'boolean', default: false, describe: 'replace an existing NAME.cert / NAME.key' })
          .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' }),
      ),
      async (args) => {
        const { registryClientCertCli } = await import('../commands/registry/client-cert-cli.js');
        setExit(await registryClientCertCli(args, io));
      },
    )
    .demandCommand(1, 'name a command');
}
