/**
 * A distribution family is data (STYLE.md, rule 3): where a CA goes, what rebuilds the bundles,
 * how to get that command when it is missing, and which bundles clients read.
 */
export interface Family {
  id: string;
  /** What it matches in os-release ID / ID_LIKE. */
  osIds: readonly string[];
  /** Directory for one PEM file per CA, kept by later updates. Undefined: none exists. */
  anchorDir: string | undefined;
  anchorExtension: '.crt' | '.pem';
  /** argv of the update command, by absolute path (/usr/sbin is often not on PATH: mkcert#188). */
  updateCommand: readonly string[] | undefined;
  /** Commands (argv arrays, run in order) that install `package`. */
  installCommands: readonly (readonly string[])[];
  /** Environment for the install commands. */
  installEnv: readonly string[];
  package: string | undefined;
  /** Bundle files that clients read; the first is the main one. */
  bundles: readonly string[];
}
