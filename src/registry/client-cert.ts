import { generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { pemEncode } from '../cert/pem.js';
import { caKeyIdentifier, signatureAlgorithmFor, signCertificate } from './x509-sign.js';

export interface ClientCertRequest {
  /** The CA certificate (DER) that signs, and its private key. */
  caCertDer: Buffer;
  caKey: KeyObject;
  /** Named in messages about the CA key. */
  caKeySource: string;
  commonName: string;
  days: number;
  now?: Date;
}

export interface ClientCertificate {
  certPem: string;
  /** PKCS#8 PEM: what Go's tls.X509KeyPair (the engine) reads. Never printed. */
  keyPem: string;
  x509: X509Certificate;
}

/** RSA 2048, as Docker's page makes client keys (`openssl genrsa`), accepted everywhere. */
const KEY_BITS = 2048;
/** Starts a little in the past so a registry whose clock lags does not see it as not yet valid. */
const BACKDATE_MS = 5 * 60 * 1000;

/**
 * A client certificate for a registry that requires one: the extensions of an OpenSSL
 * `usr_cert` for TLS client authentication. The key pair comes from node:crypto (forge's pure
 * JS keygen takes seconds); forge builds the certificate; x509-sign.ts signs it.
 */
export function makeClientCertificate(request: ClientCertRequest): ClientCertificate {
  const algorithm = signatureAlgorithmFor(request.caKey, request.caKeySource);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: KEY_BITS });
  const now = request.now ?? new Date();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + request.days * 24 * 3600 * 1000);
  cert.setSubject([{ name: 'commonName', value: request.commonName }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyIdentifier(request.caCertDer).toString('binary') },
  ]);
  // The issuer and signature algorithm set here are placeholders: signCertificate sets the real ones.
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  const der = signCertificate(getTbs(cert), request.caCertDer, request.caKey, algorithm);
  const x509 = new X509Certificate(der);
  // A certificate the CA's public key does not verify would fail at the registry: stop here.
  if (!x509.verify(new X509Certificate(request.caCertDer).publicKey))
    throw new Error('the signed client certificate does not verify with the CA certificate');
  return {
    certPem: pemEncode('CERTIFICATE', der),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    x509,
  };
}

/** forge exports getTBSCertificate, its typings do not. */
function getTbs(cert: forge.pki.Certificate): forge.asn1.Asn1 {
  return (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(
    cert,
  );
}

/** 16 random bytes, positive (RFC 5280 4.1.2.2: at most 20 octets, non-negative). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}
