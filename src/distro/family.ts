/**
 * A distribution family is data (docs/development.md, code shape rule 3): where a CA goes, what rebuilds the bundles,
 * how to get that command when it is missing, and which bundles clients read. Programs are
 * named by absolute path (/usr/sbin is often not on PATH for exec: mkcert#188); where a
 * program lives in different places across releases, every place is listed, in order.
 */
export interface Family {
  id: string;
  /** What it matches in os-release ID / ID_LIKE. */
  osIds: readonly string[];
  /** Files whose presence marks the family when there is no os-release at all. */
  markers: readonly string[];
  /** Directory for one PEM file per CA, kept by later updates. Undefined: the family has none. */
  anchorDir: string | undefined;
  anchorExtension: '.crt' | '.pem';
  /** Alternatives for the update command (argv); the first whose program exists is used. */
  updateCommands: readonly (readonly string[])[];
  /** Alternatives for installing `packages`; the first whose package manager exists is used. */
  installers: readonly Installer[];
  /** What the installers install: the package that brings the update command. */
  packages: readonly string[];
  /** Bundle files that clients read; the first is the main one. */
  bundles: readonly string[];
  /**
   * What a container without any bundle gets, as files (default: the first of `bundles`): the
   * files the family's own clients read, where its package would have laid down links.
   */
  bundlesWhenNone?: readonly string[];
  /**
   * Where the update command's output may be replicated from one container to others of the
   * same image (src/update/replication.ts): what it reads besides the anchor directory, the
   * bundles' directories and its own program, and the directory of hooks it runs (which must
   * be empty). Only for a family whose update writes nothing but the bundles' directories.
   */
  replication?: { inputs: readonly string[]; hooks: string };
  /** Where the layout above is documented. */
  source: string;
}

/** One way to install packages: the package manager's absolute path and the commands, in order. */
export interface Installer {
  manager: string;
  commands: readonly (readonly string[])[];
  env: readonly string[];
}
