import type { ContainerClient } from './container-client.js';
import { FILE_LINK_HOPS, followLinksAsync } from './links.js';

/** A regular file read out of a container, and the path it really lives at after links. */
export interface ContainerFile {
  /** The path asked for. */
  path: string;
  /** Where the content really is, after following symbolic links. */
  realPath: string;
  content: Buffer;
}

/**
 * Reads a regular file through the archive API, so no shell is needed. The API returns a link
 * itself rather than its target, and distributions link their bundles (Alpine's
 * /etc/ssl/cert.pem -> certs/ca-certificates.crt), so links are followed here.
 */
export async function readContainerFile(
  client: ContainerClient,
  id: string,
  path: string,
): Promise<ContainerFile | undefined> {
  return followLinksAsync<ContainerFile | undefined>(
    path,
    async (current) => {
      const entry = (await client.getArchive(id, current))?.[0];
      if (entry === undefined) return { found: undefined };
      if (entry.type === 'file') return { found: { path, realPath: current, content: entry.content } };
      if (entry.type !== 'symlink' || entry.linkTarget === undefined) return { found: undefined };
      return { link: entry.linkTarget };
    },
    FILE_LINK_HOPS,
    undefined,
  );
}

/** True when a path exists in the container (file, directory or link): a stat, no content sent. */
export async function pathExists(client: ContainerClient, id: string, path: string): Promise<boolean> {
  return (await client.stat(id, path)) !== undefined;
}
