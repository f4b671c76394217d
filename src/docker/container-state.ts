import { NotFoundError, type ContainerClient, type ContainerInfo } from './container-client.js';
import { TimeoutError } from './deadline-client.js';
import { errorMessage } from '../errors.js';
import { isConnectionDrop } from './engine-drop.js';

/** The container stopped, paused or went away between two steps of the patch. */
export class ContainerStateError extends Error {
  constructor(what: string) {
    super(`the container ${what} during the patch`);
    this.name = 'ContainerStateError';
  }
}

/**
 * Fails before a step that writes when the container no longer runs. The archive API writes
 * into stopped and paused containers too, but there a rollback cannot run rm to take a new
 * file away again: better not to write it at all.
 */
export async function ensureRunning(client: ContainerClient, id: string): Promise<void> {
  let info: ContainerInfo;
  try {
    info = await client.inspect(id);
  } catch (error) {
    if (error instanceof NotFoundError) throw new ContainerStateError('was removed');
    throw error;
  }
  if (!info.running) throw new ContainerStateError(stateWords(info));
}

/**
 * Why a patch failed, in words a user can act on: the container's state when that explains
 * the error (an exec into a stopped container fails with the engine's 409), or the lost engine.
 */
export async function failureReason(client: ContainerClient, id: string, error: unknown): Promise<string> {
  // The engine's own words, without docker-modem's prefix or the space Docker 20.10 leaves at the end.
  const message = errorMessage(error)
    .replace(/^\(HTTP code \d+\) (unexpected - )?/, '')
    .trim();
  if (error instanceof ContainerStateError || error instanceof TimeoutError) return message;
  if (isConnectionDrop(error)) return `lost the connection to the engine at ${client.endpoint} (${message})`;
  try {
    const info = await client.inspect(id);
    if (!info.running) return `the container ${stateWords(info)} during the patch (${message})`;
    // Running again by now (a restart policy), but the engine said why the step failed.
    return /is not running|is paused|is restarting/i.test(message)
      ? `the container stopped or paused during the patch (${message})`
      : message;
  } catch (inspectError) {
    if (inspectError instanceof NotFoundError) return `the container was removed during the patch (${message})`;
    return message;
  }
}

/** Why a container is not patched at all, or undefined. */
export function skipReason(info: ContainerInfo): string | undefined {
  if (!info.running) return `container is ${info.paused ? 'paused' : info.restarting ? 'restarting' : info.state}`;
  if (info.platform !== '' && !/^linux\b/i.test(info.platform))
    return `container platform is ${info.platform}: only Linux trust stores can be patched`;
  return undefined;
}

function stateWords(info: ContainerInfo): string {
  if (info.paused) return 'was paused';
  if (info.restarting) return 'restarted';
  return `stopped (${info.state})`;
}
