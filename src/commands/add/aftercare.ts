import type { ContainerResult } from '../../types.js';
import type { StoreOutcome } from '../../app-stores/types.js';
import { restartLines } from '../../cli/render.js';
import { mountWhere, sharedKey } from '../../mounts/mount-map.js';

/** add's application stores, one line each. */
export function storeLines(name: string, outcomes: readonly StoreOutcome[] | undefined): string[] {
  return (outcomes ?? []).map((o) => `${name}: ${o.kind} ${o.path}: ${o.action} (${o.note})`);
}

/**
 * add's lines after the table: application stores, processes that need a restart, restarts
 * done, and once, when something was patched, how to make it permanent.
 */
export function aftercareLines(results: readonly ContainerResult[], certificate: string): string[] {
  const lines = results.flatMap((r) => [
    ...storeLines(r.name, r.stores),
    ...restartLines(r.name, r.restartNeeded),
    ...(r.restarted ? [`${r.name}: restarted; its runtime changes survive a restart but not a recreate`] : []),
  ]);
  return [...lines, ...persistenceNotes(results, certificate)];
}

/**
 * Whether, and what, to say about a recreate: the note is shown once something was patched;
 * a change written through a bind mount or volume outlives the container, and says where it lives.
 * One dockerfile command per family patched: the Dockerfile lines differ between families.
 */
export function persistenceNotes(results: readonly ContainerResult[], certificate: string): string[] {
  const patched = results.filter((r) => r.status === 'patched');
  if (patched.length === 0) return [];
  const outside = patched.flatMap((r) =>
    (r.mounts ?? [])
      .filter((m) => !m.readOnly && sharedKey(m) !== undefined)
      .map(
        (m) =>
          `note: ${r.name}: ${m.paths.join(', ')}: the change lives in ${mountWhere(m)}, outlives the container and reaches every container mounting it`,
      ),
  );
  const families = [...new Set(patched.map((r) => r.family ?? 'generic'))];
  const commands = families.map((family) => `\`trustpatch dockerfile ${certificate} --family ${family}\``);
  const dockerfile =
    commands.length === 1
      ? `${commands[0]} prints`
      : `${commands.slice(0, -1).join(', ')} and ${commands.at(-1)} print`;
  return [
    ...outside,
    `note: a recreated container loses ${outside.length > 0 ? 'the changes made in its own filesystem (anchor, record)' : 'these changes'}; ${dockerfile} the Dockerfile lines that make them permanent, and \`trustpatch image add ${certificate} ${patched[0]!.image}\` writes an image that keeps them (\`trustpatch image add --help\`)`,
  ];
}
