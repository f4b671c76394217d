import type { HostStoreNote, StoreMount } from '../mounts/mount-map.js';
import { readManifest } from '../record/store.js';
import { hostTrusts } from './host-trusts.js';
import { HOST_ID, LocalClient } from './local-client.js';

/** Where a Linux machine keeps its trust store: a bind mount from under one of these is the host's store. */
const HOST_STORE_DIRS = [
  '/etc/ssl',
  '/etc/pki',
  '/etc/ca-certificates',
  '/usr/local/share/ca-certificates',
  '/usr/share/ca-certificates',
  '/var/lib/ca-certificates',
];

/**
 * For a container on an engine of this machine whose trust store is a bind mount of the
 * machine's own (`-v /etc/ssl/certs:/etc/ssl/certs:ro` is the common way to hand a container the
 * host's CAs): the CAs `trustpatch host add` put on the machine, and whether the machine trusts
 * each. Read only; `root` is the machine's root (a tree, in tests). Undefined when no mount is one.
 */
export async function hostStoreNote(mounts: readonly StoreMount[], root = '/'): Promise<HostStoreNote | undefined> {
  const prefix = root === '/' ? '' : root.replace(/\/+$/, '');
  const sources = [
    ...new Set(
      mounts
        .filter((m) => m.type === 'bind' && m.source.startsWith(`${prefix}/`))
        .map((m) => m.source)
        .filter((source) => HOST_STORE_DIRS.some((dir) => `${source.slice(prefix.length)}/`.startsWith(`${dir}/`))),
    ),
  ];
  if (sources.length === 0) return undefined;
  const { manifest } = await readManifest(new LocalClient(root), HOST_ID);
  const note: HostStoreNote = { sources, trusted: [], notTrusted: [] };
  for (const entry of manifest.entries) {
    const ca = { fingerprint: entry.fingerprint, name: entry.name, subject: entry.subject };
    ((await hostTrusts(entry, root)) ? note.trusted : note.notTrusted).push(ca);
  }
  return note;
}

/** The status line for it. */
export function hostStoreLine(container: string, note: HostStoreNote): string {
  const where = `${container}: mounts this machine's trust store (${note.sources.join(', ')})`;
  const names = (list: HostStoreNote['trusted']) => list.map((ca) => ca.name).join(', ');
  if (note.trusted.length === 0 && note.notTrusted.length === 0)
    return `${where}: trustpatch added no CA to this machine; \`sudo trustpatch host add CA\` trusts one there, for this container too`;
  return [
    note.trusted.length > 0
      ? `${where}: this machine trusts ${names(note.trusted)} (trustpatch host add), so this container does too`
      : where,
    ...(note.notTrusted.length > 0
      ? [`this machine no longer trusts ${names(note.notTrusted)} in full (\`trustpatch host status\` says why)`]
      : []),
  ].join('; ');
}
