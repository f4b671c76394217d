import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM written to a file in a fresh temporary directory (for commands that take a file), and its removal. */
export interface TempPem {
  dir: string;
  path: string;
  remove(): Promise<void>;
}

export async function tempPemFile(pem: string, prefix = 'trustpatch-pem-'): Promise<TempPem> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const path = join(dir, 'ca.pem');
  await writeFile(path, pem);
  return { dir, path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * For a mocha suite: the file exists from its `before` to its `after` (`pem` is asked for then,
 * so it may come from an earlier `before`); read `dir` and `path` inside the tests.
 */
export function suitePemFile(pem: () => string): { readonly dir: string; readonly path: string } {
  let file: TempPem | undefined;
  before(async () => {
    file = await tempPemFile(pem());
  });
  after(() => file?.remove());
  return {
    get dir() {
      return file!.dir;
    },
    get path() {
      return file!.path;
    },
  };
}
