import { mountLine } from '../../mounts/mount-map.js';
import type { ContainerResult } from '../../types.js';

/**
 * add's lines about mounted trust stores: what a patch changed outside the container, which
 * containers were covered by a shared store, and (dry run, refusals) which mounts the store is on.
 */
export function mountLines(results: readonly ContainerResult[]): string[] {
  return results.flatMap((r) => {
    const mounts = r.mounts ?? [];
    if (r.status === 'covered')
      return [
        `${r.name}: covered: its trust store is shared with ${r.coveredBy ?? 'another container'}, patched through it (${mounts.map(mountLine).join('; ')})`,
      ];
    if (r.status === 'patched')
      return mounts
        .filter((m) => !m.readOnly && m.type !== 'tmpfs')
        .map((m) => `${r.name}: changed outside the container: ${mountLine(m)}`);
    return mounts.map((m) => `${r.name}: trust store mount: ${mountLine(m)}`);
  });
}
