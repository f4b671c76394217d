import type { SavedFile } from '../app-stores/app-stores.js';
import type { BundleSnapshot } from '../system-store/bundles.js';
import type { StoreListing } from '../system-store/store-listing.js';

/** What a patch changed so far, and therefore what undoing it means. */
export interface Changes {
  /** Anchor files written. */
  anchors: string[];
  /** The bundles as they were before anything was written. */
  bundles: BundleSnapshot[];
  /** Real paths of bundles written by the seed step. */
  seeded: string[];
  /** Set once the update command ran: it is run again after the anchors are gone. */
  updateCommand: readonly string[] | undefined;
  /** Packages installed: left installed, and said so. */
  installed: string[];
  /** Absolute path of rm, when the container has one: the archive API cannot delete. */
  rm: string | undefined;
  /** Application stores (certifi files, keystores) as they were before they were written. */
  appFiles: SavedFile[];
  /** The trust store directories, listed just before the first write. */
  store?: StoreListing;
}

export function noChanges(rm?: string): Changes {
  return { anchors: [], bundles: [], seeded: [], updateCommand: undefined, installed: [], rm, appFiles: [] };
}
