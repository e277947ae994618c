/**
 * Reading one X.509 certificate into plain facts. node:crypto's X509Certificate does
 * the parsing: it is part of the runtime, so the CLI starts without loading an ASN.1
 * library (see the README's performance section; @peculiar/x509 makes the fixtures
 * and cross-checks this module in the tests).
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { certificateSpki, describeSpki } from './der.js';
import { fileProblem, inputError } from './errors.js';

export interface PublicKeyInfo {
  /** `RSA`, `RSA-PSS`, `EC`, `Ed25519`, `Ed448`, `DSA`, ... */
  algorithm: string;
  /** Modulus length in bits (RSA, DSA). */
  size?: number;
  /** Curve name (EC): `P-256`, `P-384`, `P-521`, or OpenSSL's name for others. */
  curve?: string;
}

export interface CertificateFacts {
  /** Empty when the certificate has none (legal when a subjectAltName names it). */
  subject: string;
  /** The subjectAltName extension as node prints it (`DNS:app.example, IP Address:10.0.0.1`), null without one. */
  subjectAltName: string | null;
  issuer: string;
  /** Upper-case hex, as OpenSSL prints it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** Colon-separated upper-case hex. */
  fingerprintSha256: string;
  publicKey: PublicKeyInfo;
  /** DER SubjectPublicKeyInfo: the pairing key between certificates and private keys. */
  spki: Buffer;
  /** Whether the extended key usage allows TLS client authentication (absent EKU allows any use). */
  clientAuth: boolean;
  /** The extended key usages present, by name when known; undefined when the extension is absent. */
  extendedKeyUsage: string[] | undefined;
  isCA: boolean;
  selfIssued: boolean;
  der: Buffer;
  /** Kept for chain checks (`checkIssued`, `verify`). */
  x509: X509Certificate;
}

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

export function parseCertificate(der: Buffer, source: string): CertificateFacts {
  try {
    return readCertificate(der, source);
  } catch (error) {
    if (error instanceof Error && error.name === 'AitossError') throw error;
    // OpenSSL parses lazily: a damaged public key or extension only fails when read.
    throw fileProblem('damaged', source, 'a CERTIFICATE block could not be parsed as X.509', 'the file is damaged; download it again', error);
  }
}

function readCertificate(der: Buffer, source: string): CertificateFacts {
  const x509 = new X509Certificate(der);
  const spki = certificateSpki(der);
  const eku = x509.keyUsage as string[] | undefined;
  const extendedKeyUsage = eku?.map((oid) => EKU_NAMES[oid] ?? oid);
  return {
    // node reports an empty name as undefined.
    subject: formatName(x509.subject ?? ''),
    subjectAltName: x509.subjectAltName ?? null,
    issuer: formatName(x509.issuer ?? ''),
    serialNumber: x509.serialNumber.toUpperCase(),
    notBefore: parseOpenSslTime(x509.validFrom, source),
    notAfter: parseOpenSslTime(x509.validTo, source),
    fingerprintSha256: x509.fingerprint256,
    publicKey: (spki && describeSpki(spki)) ?? describePublicKey(x509.publicKey),
    spki: spki ?? x509.publicKey.export({ type: 'spki', format: 'der' }),
    clientAuth:
      extendedKeyUsage === undefined ||
      extendedKeyUsage.includes('clientAuth') ||
      extendedKeyUsage.includes('anyExtendedKeyUsage'),
    extendedKeyUsage,
    isCA: x509.ca,
    selfIssued: (x509.subject ?? '') === (x509.issuer ?? ''),
    der,
    x509,
  };
}

export function describePublicKey(key: KeyObject): PublicKeyInfo {
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  switch (type) {
    case 'rsa':
    case 'rsa-pss':
    case 'dsa':
      return { algorithm: type.toUpperCase(), size: details.modulusLength };
    case 'ec': {
      const curve = details.namedCurve ?? 'unknown';
      return { algorithm: 'EC', curve: CURVE_NAMES[curve] ?? curve };
    }
    case 'ed25519':
      return { algorithm: 'Ed25519' };
    case 'ed448':
      return { algorithm: 'Ed448' };
    default:
      return { algorithm: type };
  }
}

/** `CN=app\nO=Partner` (node's form) → `CN=app, O=Partner`. */
export function formatName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** node prints validity as `Jun 26 00:00:00 2027 GMT`. */
function parseOpenSslTime(text: string, source: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw inputError(source, `unreadable validity date "${text}"`);
  return date;
}
