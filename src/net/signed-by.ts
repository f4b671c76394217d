import type { Certificate } from '../cert/certificate.js';

/** `issuer` is named as `child`'s issuer and its key verifies `child`'s signature. */
export function signedBy(child: Certificate, issuer: Certificate): boolean {
  return child.x509.checkIssued(issuer.x509) && child.x509.verify(issuer.x509.publicKey);
}
