/**
 * Reading one X.509 certificate into plain facts. node:crypto's X509Certificate does
 * the parsing: it is part of the runtime, so the CLI starts without loading an ASN.1
 * library (see the README's performance section; @peculiar/x509 makes the fixtures
 * and cross-checks this module in the tests).
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { authorityKeyIdentifier, certificateExtensions, certificateSpki, describeSpki, extendedKeyUsageOids, type RawExtension } from './der.js';
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
  /**
   * Whether the extended key usage allows TLS client authentication (an absent EKU allows
   * any use; a malformed one allows none: TLS servers reject the certificate).
   */
  clientAuth: boolean;
  /** The extended key usages present, by name when known; undefined when the extension is absent or unreadable. */
  extendedKeyUsage: string[] | undefined;
  /** keyIdentifier of the authorityKeyIdentifier extension (the issuing CA's key), colon hex; undefined when absent. */
  authorityKeyIdentifier: string | undefined;
  /** Extensions for which a TLS server (OpenSSL's verifier) rejects the certificate. */
  extensionProblems: ExtensionProblem[];
  isCA: boolean;
  selfIssued: boolean;
  der: Buffer;
  /** Kept for chain checks (`checkIssued`, `verify`). */
  x509: X509Certificate;
}

export interface ExtensionProblem {
  /**
   * `malformed-eku`: the extendedKeyUsage extension is not a list of purposes;
   * `duplicate-extension`: an extension appears twice (RFC 5280 forbids it);
   * `unknown-critical-extension`: a critical extension a verifier does not know, so must reject.
   */
  code: 'malformed-eku' | 'duplicate-extension' | 'unknown-critical-extension';
  /** The extension's OID (and name when known). */
  extension: string;
}

const OID_EKU = '2.5.29.37';
const OID_AKI = '2.5.29.35';

/**
 * The extensions OpenSSL's verifier understands (X509_supported_extension, OpenSSL 3):
 * a critical extension outside this list makes `openssl verify` and a TLS server using
 * OpenSSL fail with "unhandled critical extension".
 */
const SUPPORTED_EXTENSIONS: Record<string, string> = {
  '2.16.840.1.113730.1.1': 'netscapeCertType',
  '2.5.29.15': 'keyUsage',
  '2.5.29.17': 'subjectAltName',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.37': 'extendedKeyUsage',
  '1.3.6.1.5.5.7.1.7': 'ipAddrBlocks',
  '1.3.6.1.5.5.7.1.8': 'autonomousSysIds',
  '1.3.6.1.5.5.7.48.1.5': 'ocspNoCheck',
  '2.5.29.36': 'policyConstraints',
  '1.3.6.1.5.5.7.1.14': 'proxyCertInfo',
  '2.5.29.30': 'nameConstraints',
  '2.5.29.33': 'policyMappings',
  '2.5.29.54': 'inhibitAnyPolicy',
};
const EXTENSION_NAMES: Record<string, string> = { ...SUPPORTED_EXTENSIONS, '2.5.29.35': 'authorityKeyIdentifier', '2.5.29.14': 'subjectKeyIdentifier' };

/** `2.5.29.37 (extendedKeyUsage)`, or the bare OID when unnamed. */
function extensionName(oid: string): string {
  const name = EXTENSION_NAMES[oid];
  return name ? `${oid} (${name})` : oid;
}

/** What a verifier rejects in the extensions, and the facts read from them. */
export function readExtensions(extensions: readonly RawExtension[]): {
  problems: ExtensionProblem[];
  extendedKeyUsageOids: string[] | undefined | 'malformed';
  authorityKeyIdentifier: string | undefined;
} {
  const problems: ExtensionProblem[] = [];
  const seen = new Set<string>();
  for (const extension of extensions) {
    if (seen.has(extension.oid)) problems.push({ code: 'duplicate-extension', extension: extensionName(extension.oid) });
    seen.add(extension.oid);
    if (extension.critical && !(extension.oid in SUPPORTED_EXTENSIONS)) {
      problems.push({ code: 'unknown-critical-extension', extension: extensionName(extension.oid) });
    }
  }
  const eku = extensions.find((e) => e.oid === OID_EKU);
  const ekuOids = eku ? (extendedKeyUsageOids(eku.value) ?? 'malformed') : undefined;
  if (ekuOids === 'malformed') problems.push({ code: 'malformed-eku', extension: extensionName(OID_EKU) });
  const aki = extensions.find((e) => e.oid === OID_AKI);
  return { problems, extendedKeyUsageOids: ekuOids, authorityKeyIdentifier: aki ? authorityKeyIdentifier(aki.value) : undefined };
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
  // The extensions are read from the DER: node's keyUsage reads a malformed or repeated
  // extendedKeyUsage as absent ("any use") or shows one copy.
  const rawExtensions = certificateExtensions(der);
  if (rawExtensions === undefined) throw new Error('unreadable extensions');
  const extensions = readExtensions(rawExtensions);
  const ekuOids = extensions.extendedKeyUsageOids;
  const extendedKeyUsage = ekuOids === 'malformed' ? undefined : ekuOids?.map((oid) => EKU_NAMES[oid] ?? oid);
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
      ekuOids !== 'malformed' &&
      (extendedKeyUsage === undefined || extendedKeyUsage.includes('clientAuth') || extendedKeyUsage.includes('anyExtendedKeyUsage')),
    extendedKeyUsage,
    authorityKeyIdentifier: extensions.authorityKeyIdentifier,
    extensionProblems: extensions.problems,
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
