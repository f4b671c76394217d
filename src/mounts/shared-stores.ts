import { sharedKey, type StoreMount } from './mount-map.js';

/** How the container that patched a shared store ended: `true` when the store now holds the CA. */
export interface Leader {
  name: string;
  id: string;
  done: Promise<boolean>;
}

/** A container's place in a store shared with others of the run: it patches, or it follows one that does. */
export type Claim = { lead: true; finish: (ok: boolean) => void } | { lead: false; leader: Leader };

/**
 * The stores (host paths, volumes) that several containers of one run share: the first
 * container to reach one patches it, the others wait for it and are then `covered`, so one
 * store is never written twice, nor by two containers at once. Keys carry the engine: the same
 * host path on two engines is two stores.
 */
export class SharedStores {
  private readonly held = new Map<string, Leader>();

  claim(engine: string, container: { id: string; name: string }, mounts: readonly StoreMount[]): Claim | undefined {
    const keys = mounts
      .map(sharedKey)
      .filter((k) => k !== undefined)
      .map((k) => `${engine} ${k}`);
    if (keys.length === 0) return undefined;
    const leader = keys.map((k) => this.held.get(k)).find((l) => l !== undefined && l.id !== container.id);
    if (leader !== undefined) return { lead: false, leader };
    let finish: (ok: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolve) => (finish = resolve));
    const mine: Leader = { name: container.name, id: container.id, done };
    for (const key of keys) this.held.set(key, mine);
    return { lead: true, finish };
  }
}
