import { stat } from 'node:fs/promises';
import { loadCertificates } from '../cert/load.js';
import { UserError } from '../errors.js';
import type { ManifestEntry } from '../record/manifest.js';
import { expiredBecause, type ExpiryProbe } from '../record/temporary.js';

/** What `remove` was asked to take out: the certificates of a file, a fingerprint (prefix) or a name. */
export type RemoveTarget =
  | { kind: 'certificates'; label: string; fingerprints: string[]; subjects: string[] }
  | { kind: 'fingerprint'; label: string; prefix: string }
  | { kind: 'name'; label: string; name: string }
  /** `remove --expired`: every temporary entry whose time is up or whose session is gone. */
  | { kind: 'expired'; label: string; probe?: ExpiryProbe }
  /** The end of a temporary session: exactly the entries it added. */
  | { kind: 'session'; label: string; session: string };

const NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Reads `remove`'s first argument: an existing file (or `-`) is a certificate file, read without
 * `add`'s validity checks (an expired CA must still be removable); else 8 to 64 hex digits
 * (colons allowed) are a fingerprint or its prefix; else a plain name is the name `add` gave
 * the certificate. Anything else is an input error, before any container is touched.
 */
export async function resolveTarget(arg: string, options: { password?: string } = {}): Promise<RemoveTarget> {
  if (
    arg === '-' ||
    (await stat(arg)
      .then((s) => s.isFile())
      .catch(() => false))
  ) {
    const loaded = await loadCertificates(arg, { password: options.password, validate: false });
    return {
      kind: 'certificates',
      label: arg === '-' ? 'standard input' : arg,
      fingerprints: loaded.certificates.map((c) => c.fingerprint),
      subjects: loaded.certificates.map((c) => c.subject),
    };
  }
  const hex = arg.replace(/:/g, '').toLowerCase();
  if (/^[0-9a-f]{8,64}$/.test(hex) && (arg.includes(':') || !/[g-z]/i.test(arg)))
    return { kind: 'fingerprint', label: arg, prefix: hex };
  const name = arg.replace(/\.(crt|pem)$/, '');
  if (NAME.test(name) && !name.startsWith('.') && !arg.includes('/')) return { kind: 'name', label: arg, name };
  throw new UserError(
    `${JSON.stringify(arg)}: not a certificate file, a SHA-256 fingerprint (at least 8 hex digits) or a certificate name; \`trustpatch status\` lists what trustpatch installed.`,
  );
}

/** The record's entries the target names; an error string when a fingerprint prefix is ambiguous. */
export function matchEntries<E extends Pick<ManifestEntry, 'fingerprint' | 'name' | 'anchor' | 'temporary'>>(
  entries: readonly E[],
  target: RemoveTarget,
): E[] | string {
  if (target.kind === 'certificates') return entries.filter((e) => target.fingerprints.includes(e.fingerprint));
  if (target.kind === 'expired')
    return entries.filter((e) => e.temporary !== undefined && expiredBecause(e.temporary, target.probe) !== undefined);
  if (target.kind === 'session') return entries.filter((e) => e.temporary?.session === target.session);
  if (target.kind === 'name')
    return entries.filter(
      (e) =>
        e.name === target.name ||
        (e.anchor !== null && e.anchor.replace(/^.*\//, '').replace(/\.(crt|pem)$/, '') === target.name),
    );
  const matched = entries.filter((e) => e.fingerprint.startsWith(target.prefix));
  if (matched.length > 1)
    return `fingerprint ${target.label} matches ${matched.length} certificates here (${matched.map((e) => e.name).join(', ')}): give more digits`;
  return matched;
}
