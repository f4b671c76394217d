import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { errorMessage } from '../errors.js';
import { restartNotes, type RestartNote } from '../runtimes/restart-needed.js';
import { hashLinked } from '../undo/links.js';

export interface Aftercare {
  restartNeeded?: RestartNote[];
  restarted?: boolean;
  warnings: string[];
}

/**
 * After a successful patch: which running processes will not see the CA (Node.js, Go, JVMs),
 * and with `--restart` a restart through the engine, after which they are looked at again.
 * Its own trouble is a warning: the patch itself stands.
 */
export async function aftercare(client: ContainerClient, info: ContainerInfo, options: { shell: string | undefined; caFile: string; restart: boolean; since: Date; anchor: string | undefined }, draft: Aftercare): Promise<void> {
  try {
    const linked = options.anchor !== undefined && (await hashLinked(client, info.id, options.anchor));
    if (options.restart) {
      await client.restart(info.id);
      draft.restarted = true;
      draft.restartNeeded = await restartNotes(client, info.id, options.shell, { caFile: options.caFile, since: options.since, hashLinked: linked });
    } else {
      draft.restartNeeded = await restartNotes(client, info.id, options.shell, { caFile: options.caFile, hashLinked: linked });
    }
  } catch (error) {
    draft.warnings.push(`${options.restart && draft.restarted !== true ? 'restarting the container' : 'looking for processes that need a restart'} failed: ${errorMessage(error)}`);
  }
}
