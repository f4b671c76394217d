import { NotFoundError, type ContainerClient, type ContainerInfo } from '../docker/container-client.js';
import { UserError } from '../errors.js';
import { mapLimit } from '../util/pool.js';
import { describeSelector, engineFilters, hasSelectorFlags, type Selector } from './selector.js';

/**
 * The containers a selector names, inspected, in a stable order: named ones first as given,
 * then matches sorted by name. Stopped ones are included (the report lists them as skipped).
 * Nothing matched, or a name that does not exist, is a user error: no container is touched.
 */
export async function selectContainers(client: ContainerClient, selector: Selector): Promise<ContainerInfo[]> {
  if (selector.names.length === 0 && !hasSelectorFlags(selector)) {
    throw new UserError('no container selected: name containers, or use --label, --filter, --compose-project, --service or --all.');
  }
  const filters = engineFilters(selector);
  const named = await mapLimit(selector.names, 8, (name) => inspectNamed(client, name));
  const matchedIds: string[] = [];
  if (hasSelectorFlags(selector)) {
    const rows = await client.list(filters, true);
    rows.sort((a, b) => a.name.localeCompare(b.name));
    matchedIds.push(...rows.map((row) => row.id));
    if (rows.length === 0) throw new UserError(`no container matches ${describeSelector({ ...selector, names: [] })} on ${client.endpoint}; check with \`docker ps -a\` and its --filter.`);
  }
  const matched = await mapLimit(matchedIds, 8, async (id) => client.inspect(id).catch((error) => (error instanceof NotFoundError ? undefined : Promise.reject(error))));
  const seen = new Set<string>();
  const all: ContainerInfo[] = [];
  for (const info of [...named, ...matched]) {
    if (info && !seen.has(info.id)) {
      seen.add(info.id);
      all.push(info);
    }
  }
  return all;
}

async function inspectNamed(client: ContainerClient, name: string): Promise<ContainerInfo> {
  try {
    return await client.inspect(name);
  } catch (error) {
    if (error instanceof NotFoundError) throw new UserError(`container ${JSON.stringify(name)}: no such container on ${client.endpoint}; see \`docker ps\`.`);
    throw error;
  }
}
