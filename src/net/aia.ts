import type { Certificate } from '../cert/certificate.js';

/**
 * The caIssuers URLs of a certificate's Authority Information Access extension (RFC 5280
 * section 4.2.2.1), as node:crypto prints them: one "CA Issuers - URI:..." line each.
 */
export function caIssuersUrls(certificate: Certificate): string[] {
  const access = certificate.x509.infoAccess ?? '';
  return access
    .split('\n')
    .map((line) => /^CA Issuers - URI:(.+)$/.exec(line.trim())?.[1])
    .filter((url): url is string => url !== undefined);
}
