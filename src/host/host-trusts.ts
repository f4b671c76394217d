import type { Certificate } from '../cert/certificate.js';
import { bundleFingerprints } from '../cert/pem.js';
import { allPresent } from '../system-store/bundles.js';
import { surveyContainer } from '../system-store/survey.js';
import { HOST_ID, LocalClient } from './local-client.js';

/** Whether a root tree trusts a CA, and where that was seen. */
export interface HostTrust {
  trusted: boolean;
  family: string;
  /** The family's anchor directory; undefined when it has none (BusyBox, distroless). */
  anchorDir: string | undefined;
  /** The anchor file holding the CA, when the family has an anchor directory and one does. */
  anchor: string | undefined;
  /** The bundles that exist and whether each holds the CA. */
  bundles: { path: string; present: boolean }[];
}

/**
 * Whether the tree at `root` (default: this machine) already trusts a CA: it is in every
 * bundle the family's clients read, and (for a family with an anchor directory) in an anchor
 * there, so that the next update keeps it (alpinelinux/docker-alpine#446). Reads only; needs
 * no root privileges for files that are world-readable. A container that mounts the host's
 * store sees exactly this.
 */
export async function hostTrust(certificate: Pick<Certificate, 'fingerprint'>, root = '/'): Promise<HostTrust> {
  const client = new LocalClient(root);
  const survey = await surveyContainer(client, { id: HOST_ID, imageId: '' }, { checks: false, install: 'never' });
  const { family } = survey.detection;
  const fingerprint = certificate.fingerprint;
  const inAnchorDir = [...survey.store.entries].filter(
    ([path, entry]) =>
      family.anchorDir !== undefined && path.startsWith(`${family.anchorDir}/`) && entry.type === 'file',
  );
  const anchor = inAnchorDir.find(([, entry]) =>
    bundleFingerprints(entry.content.toString('latin1')).includes(fingerprint),
  )?.[0];
  const bundles = survey.bundles
    .filter((b) => b.content !== undefined)
    .map((b) => ({ path: b.path, present: b.fingerprints.includes(fingerprint) }));
  const trusted = allPresent(survey.bundles, [fingerprint]) && (family.anchorDir === undefined || anchor !== undefined);
  return { trusted, family: family.id, anchorDir: family.anchorDir, anchor, bundles };
}

/** Shorthand of hostTrust for callers that need only the answer (e.g. status on a container that mounts the host's store). */
export async function hostTrusts(certificate: Pick<Certificate, 'fingerprint'>, root = '/'): Promise<boolean> {
  return (await hostTrust(certificate, root)).trusted;
}
