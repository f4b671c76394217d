import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';

/** Where a PKCS#12 password comes from: never the command line itself, where `ps` shows it. */
export interface PasswordSource {
  passwordFile?: string;
  /** Name of an environment variable; its absence is fine unless the user named it. */
  passwordEnv?: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_PASSWORD_ENV = 'TRUSTPATCH_P12_PASSWORD';

/** The password, or undefined for "none" (a PKCS#12 file is then tried with the empty one). */
export async function resolvePassword(source: PasswordSource): Promise<string | undefined> {
  if (source.passwordFile !== undefined) {
    const text = await readFile(source.passwordFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UserError(
        `--password-file ${source.passwordFile}: ${error.code === 'ENOENT' ? 'no such file' : error.message}; give a file that holds the PKCS#12 password.`,
      );
    });
    // One trailing line end is the editor's, not the password's.
    return text.replace(/\r?\n$/, '');
  }
  const name = source.passwordEnv ?? DEFAULT_PASSWORD_ENV;
  const value = (source.env ?? process.env)[name];
  if (value === undefined && source.passwordEnv !== undefined && source.passwordEnv !== DEFAULT_PASSWORD_ENV) {
    throw new UserError(
      `--password-env ${name}: that environment variable is not set; export it, or use --password-file FILE.`,
    );
  }
  return value;
}
