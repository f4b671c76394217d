import type { Argv } from 'yargs';
import { DEFAULT_PASSWORD_ENV } from '../cert/password.js';

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
