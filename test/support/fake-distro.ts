import type { Family } from '../../src/distro/family.js';
import { FakeContainer } from './fake-client.js';

export interface FakeDistroOptions {
  /** os-release text; none when undefined. */
  osRelease?: string;
  /** Certificates the distribution ships (PEM), in its main bundle. */
  distroPems?: readonly string[];
  /** Whether the family's first update command is present (default true). */
  update?: boolean;
  /** Whether the first installer's package manager is present (default true). */
  packageManager?: boolean;
  /** Whether there is a bundle at all (default true). */
  bundle?: boolean;
  shell?: boolean;
  rm?: boolean;
  /** TLS clients present, by absolute path, with the TLS verdict they give for a bundle. */
  clients?: Record<string, (bundle: string) => boolean>;
  /** Links among the family's bundles: path -> target, as the distribution ships them. */
  links?: Record<string, string>;
  /** Where the main bundle's bytes really are (when family.bundles[0] is a link). */
  bundleAt?: string;
}

/**
 * An in-memory container of any family whose update command behaves like the real one: the
 * main bundle is rebuilt from the distribution's certificates plus every anchor file, and
 * whose installer brings the update command.
 */
export function fakeDistro(id: string, family: Family, options: FakeDistroOptions = {}): FakeContainer {
  const container = new FakeContainer(id, `name-${id}`);
  const distro = options.distroPems ?? [];
  const main = options.bundleAt ?? family.bundles[0]!;
  const update = family.updateCommands[0];
  if (options.osRelease !== undefined) container.write('/etc/os-release', options.osRelease);
  if (options.shell !== false) container.write('/bin/sh', 'ELF');
  if (options.rm !== false) container.write('/bin/rm', 'ELF');
  if (update && options.update !== false) container.write(update[0]!, '#!/bin/sh\n');
  const installer = family.installers[0];
  if (installer && options.packageManager !== false) container.write(installer.manager, 'ELF');
  for (const [path, target] of Object.entries(options.links ?? {})) container.links.set(path, target);
  if (options.bundle !== false) container.write(main, distro.join(''));
  for (const path of Object.keys(options.clients ?? {})) container.write(path, 'ELF');
  const anchors = () =>
    [...container.files.entries()].filter(
      ([path]) =>
        family.anchorDir !== undefined &&
        path.startsWith(`${family.anchorDir}/`) &&
        path.endsWith(family.anchorExtension) &&
        path !== main,
    );
  container.handler = (argv, self) => {
    if (update && argv.join(' ') === update.join(' ') && self.files.has(update[0]!)) {
      self.write(main, [...distro, ...anchors().map(([, content]) => content.toString('latin1'))].join(''));
      return { exitCode: 0 };
    }
    if (
      installer?.commands.some((command) => command.join(' ') === argv.join(' ')) &&
      self.files.has(installer.manager)
    ) {
      const last = argv.join(' ') === installer.commands.at(-1)!.join(' ');
      if (last && update) self.write(update[0]!, '#!/bin/sh\n');
      return { exitCode: 0 };
    }
    const verdict = options.clients?.[argv[0]!];
    if (verdict) {
      const bundle = self.read(main) ?? '';
      return verdict(bundle)
        ? { exitCode: 0, stderr: argv[1] === 's_client' ? 'Verification: OK\n' : '' }
        : { exitCode: 1, stderr: 'certificate verify failed\n' };
    }
    return undefined;
  };
  return container;
}
