import { NotFoundError, type ContainerClient, type ContainerInfo } from '../docker/container-client.js';
import { UserError } from '../errors.js';
import { mapLimit } from '../util/pool.js';
import { describeSelector, engineFilters, hasSelectorFlags, type Selector } from './selector.js';

/** A selected container and the engine it runs on. */
export interface EngineTarget {
  client: ContainerClient;
  info: ContainerInfo;
}

/**
 * The containers a selector names, inspected, in a stable order: named ones first as given,
 * then matches sorted by name. Stopped ones are included (the report lists them as skipped).
 * Nothing matched, or a name that does not exist, is a user error: no container is touched.
 */
export async function selectContainers(client: ContainerClient, selector: Selector): Promise<ContainerInfo[]> {
  return (await selectOnEngines([client], selector)).map((target) => target.info);
}

/**
 * The same across several engines, engine by engine in the order given. A name is looked up on
 * every engine and selects each container of that name or id it finds, so `web` picks the `web`
 * of every engine that has one; it is a user error only when no engine has it. Selector flags
 * likewise must match something on at least one engine. A container seen through two addresses
 * of the same engine (same id) is listed once.
 */
export async function selectOnEngines(
  clients: readonly ContainerClient[],
  selector: Selector,
  options: { allowNone?: boolean } = {},
): Promise<EngineTarget[]> {
  if (selector.names.length === 0 && !hasSelectorFlags(selector)) {
    throw new UserError(
      'no container selected: name containers, or use --label, --filter, --compose-project, --service or --all.',
    );
  }
  const filters = engineFilters(selector);
  const found = await Promise.all(clients.map((client) => findOnEngine(client, selector, filters)));
  const where = clients.length === 1 ? clients[0]!.endpoint : `any of ${clients.map((c) => c.endpoint).join(', ')}`;
  // `add --watch` waits for containers that are not there yet: then nothing found is no error.
  if (!options.allowNone) {
    selector.names.forEach((name, index) => {
      if (found.every((engine) => engine.named[index] === undefined))
        throw new UserError(`container ${JSON.stringify(name)}: no such container on ${where}; see \`docker ps\`.`);
    });
    if (hasSelectorFlags(selector) && found.every((engine) => engine.matchCount === 0)) {
      throw new UserError(
        `no container matches ${describeSelector({ ...selector, names: [] })} on ${where}; check with \`docker ps -a\` and its --filter.`,
      );
    }
  }
  const seen = new Set<string>();
  const targets: EngineTarget[] = [];
  clients.forEach((client, index) => {
    for (const info of [...found[index]!.named, ...found[index]!.matched]) {
      if (info && !seen.has(info.id)) {
        seen.add(info.id);
        targets.push({ client, info });
      }
    }
  });
  return targets;
}

interface EngineFindings {
  /** One entry per selector name, undefined where this engine has no such container. */
  named: (ContainerInfo | undefined)[];
  matched: (ContainerInfo | undefined)[];
  matchCount: number;
}

async function findOnEngine(
  client: ContainerClient,
  selector: Selector,
  filters: ReturnType<typeof engineFilters>,
): Promise<EngineFindings> {
  const named = await mapLimit(selector.names, 8, (name) => inspectOrUndefined(client, name));
  if (!hasSelectorFlags(selector)) return { named, matched: [], matchCount: 0 };
  const rows = await client.list(filters, true);
  rows.sort((a, b) => a.name.localeCompare(b.name));
  // A container removed between list and inspect is simply gone.
  const matched = await mapLimit(rows, 8, (row) => inspectOrUndefined(client, row.id));
  return { named, matched, matchCount: rows.length };
}

async function inspectOrUndefined(client: ContainerClient, nameOrId: string): Promise<ContainerInfo | undefined> {
  try {
    return await client.inspect(nameOrId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
