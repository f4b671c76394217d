import { UserError } from '../errors.js';
import type { ListFilters } from '../docker/container-client.js';

/** How the user picked containers: names, plus selector flags that must all match. */
export interface Selector {
  names: readonly string[];
  /** `KEY=VALUE` or `KEY`, as `docker ps --filter label=`. */
  labels: readonly string[];
  /** Any Docker container filter as `KEY=VALUE`, passed through. */
  filters: readonly string[];
  composeProject?: string;
  service?: string;
  all: boolean;
}

/** True when the selector flags (not names) pick containers by themselves. */
export function hasSelectorFlags(selector: Selector): boolean {
  return (
    selector.all ||
    selector.labels.length > 0 ||
    selector.filters.length > 0 ||
    selector.composeProject !== undefined ||
    selector.service !== undefined
  );
}

/**
 * The engine-side filters for the selector flags. Docker ANDs repeated `label` values, like
 * `docker ps --filter label=a --filter label=b`; Compose marks its containers with
 * `com.docker.compose.project` and `com.docker.compose.service` labels.
 */
export function engineFilters(selector: Selector): ListFilters {
  const filters: Record<string, string[]> = {};
  const add = (key: string, value: string) => (filters[key] ??= []).push(value);
  for (const label of selector.labels) {
    if (label === '' || label.startsWith('='))
      throw new UserError(`--label ${JSON.stringify(label)}: give KEY or KEY=VALUE.`);
    add('label', label);
  }
  for (const filter of selector.filters) {
    const match = /^([a-z_-]+)=(.*)$/i.exec(filter);
    if (!match)
      throw new UserError(
        `--filter ${JSON.stringify(filter)}: give KEY=VALUE, as for \`docker ps --filter\` (e.g. name=web, ancestor=nginx).`,
      );
    add(match[1]!, match[2]!);
  }
  if (selector.composeProject !== undefined) add('label', `com.docker.compose.project=${selector.composeProject}`);
  if (selector.service !== undefined) add('label', `com.docker.compose.service=${selector.service}`);
  return filters;
}

/** The selector as the user typed it, for messages. */
export function describeSelector(selector: Selector): string {
  const parts = [
    ...selector.names,
    ...selector.labels.map((l) => `--label ${l}`),
    ...selector.filters.map((f) => `--filter ${f}`),
    ...(selector.composeProject !== undefined ? [`--compose-project ${selector.composeProject}`] : []),
    ...(selector.service !== undefined ? [`--service ${selector.service}`] : []),
    ...(selector.all ? ['--all'] : []),
  ];
  return parts.join(' ');
}
