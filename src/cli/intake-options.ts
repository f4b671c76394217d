import type { Argv } from 'yargs';
import { DEFAULT_PASSWORD_ENV, resolvePassword } from '../cert/password.js';
import type { Io } from './io.js';

/** What a certificate file may be, as add, dockerfile, inspect and host add describe it. */
export const CERTIFICATE_FILE = 'certificate file (PEM, DER, PKCS#7 or PKCS#12), or - for standard input';

/** The <certificate> positional of add, dockerfile, inspect and host add. */
export function certificatePositional<T>(y: Argv<T>) {
  return y.positional('certificate', { type: 'string', demandOption: true, describe: CERTIFICATE_FILE });
}

/** The flags every command that reads a certificate file shares (add, inspect). */
export function intakeOptions<T>(y: Argv<T>) {
  return y
    .option('password-file', {
      type: 'string',
      describe: 'file holding the PKCS#12 password (.p12/.pfx); never give the password itself on the command line',
    })
    .option('password-env', {
      type: 'string',
      default: DEFAULT_PASSWORD_ENV,
      describe: 'environment variable holding the PKCS#12 password',
    })
    .option('allow-expired', {
      type: 'boolean',
      default: false,
      describe: 'accept expired or not-yet-valid certificates (with a warning)',
    })
    .option('allow-leaf', {
      type: 'boolean',
      default: false,
      describe: 'accept a certificate that is neither a CA nor self-signed, e.g. a server’s own (with a warning)',
    });
}

/** What those flags look like once parsed. */
export interface IntakeArgs {
  passwordFile?: string;
  passwordEnv?: string;
  allowExpired: boolean;
  allowLeaf: boolean;
}

/** The PKCS#12 password that --password-file or --password-env point at (src/cert/password.ts), if any. */
export function passwordFrom(
  args: { passwordFile?: string; passwordEnv?: string },
  io: Io,
): Promise<string | undefined> {
  return resolvePassword({ passwordFile: args.passwordFile, passwordEnv: args.passwordEnv, env: io.env });
}
