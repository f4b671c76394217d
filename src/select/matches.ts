import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import { engineFilters, hasSelectorFlags, type Selector } from './selector.js';

/**
 * Whether a container (one that just started) is one the selector picks, as selectOnEngines
 * would: named (by name, id or id prefix), or matched by the selector flags, which the engine
 * itself judges (its list, narrowed to this id).
 */
export async function selectorMatches(
  client: ContainerClient,
  selector: Selector,
  info: ContainerInfo,
): Promise<boolean> {
  if (selector.names.some((name) => name === info.name || (name.length >= 4 && info.id.startsWith(name)))) return true;
  if (!hasSelectorFlags(selector)) return false;
  const rows = await client.list({ ...engineFilters(selector), id: [info.id] }, true);
  return rows.some((row) => row.id === info.id);
}
