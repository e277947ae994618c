// Why OpenSSL withheld a configured client certificate: the server's CertificateRequest lists
// signature algorithms our key cannot sign with (nginx `ssl_conf_command
// ClientSignatureAlgorithms`, `s_server -client_sigalgs`), or CA names that our chain does not
// reach. Pure functions over the certificate chain and what the handshake showed.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { certificateNamesDer } from '../core/der.js';

const SCHEME_NAMES: Readonly<Record<number, string>> = {
  0x0201: 'rsa_pkcs1_sha1',
  0x0203: 'ecdsa_sha1',
  0x0401: 'rsa_pkcs1_sha256',
  0x0501: 'rsa_pkcs1_sha384',
  0x0601: 'rsa_pkcs1_sha512',
  0x0403: 'ecdsa_secp256r1_sha256',
  0x0503: 'ecdsa_secp384r1_sha384',
  0x0603: 'ecdsa_secp521r1_sha512',
  0x0804: 'rsa_pss_rsae_sha256',
  0x0805: 'rsa_pss_rsae_sha384',
  0x0806: 'rsa_pss_rsae_sha512',
  0x0807: 'ed25519',
  0x0808: 'ed448',
  0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384',
  0x080b: 'rsa_pss_pss_sha512',
};

export function signatureSchemeName(code: number): string {
  return SCHEME_NAMES[code] ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** The SignatureSchemes a key can make a CertificateVerify with, in this TLS version. */
export function schemesForKey(key: KeyObject, version: string | undefined): number[] {
  const tls13 = version === 'TLSv1.3';
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return tls13 ? [0x0804, 0x0805, 0x0806] : [0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201];
    case 'rsa-pss':
      return [0x0809, 0x080a, 0x080b];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const own = curve === 'prime256v1' ? 0x0403 : curve === 'secp384r1' ? 0x0503 : curve === 'secp521r1' ? 0x0603 : undefined;
      if (tls13) return own === undefined ? [] : [own];
      return [0x0403, 0x0503, 0x0603, 0x0203];
    }
    case 'ed25519':
      return [0x0807];
    case 'ed448':
      return [0x0808];
    default:
      return [];
  }
}

/** A key-type word for messages: "RSA", "ECDSA P-256", "Ed25519". */
export function keyKind(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return 'RSA';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return `ECDSA ${curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : (curve ?? '')}`.trim();
    }
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

/** The issuer and subject Names of a certificate, as hex DER (the bytes a CertificateRequest lists). */
function certificateNames(der: Buffer): { issuer: string; subject: string } {
  const names = certificateNamesDer(der);
  // Node parsed this certificate already: its DER has both Names.
  if (!names) throw new Error('unexpected certificate DER');
  return { issuer: names.issuer.toString('hex'), subject: names.subject.toString('hex') };
}

export interface ClientChainFacts {
  key: KeyObject;
  /** Issuer and subject of every certificate sent (leaf first), hex DER. */
  names: Array<{ issuer: string; subject: string }>;
  /** Leaf issuer as text. */
  issuer: string;
}

/** Facts of the configured chain for the fit checks; undefined when it can't be read. */
export function clientChainFacts(chainPem: string, key: KeyObject): ClientChainFacts | undefined {
  try {
    const blocks = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const certificates = blocks.map((block) => new X509Certificate(block));
    const leaf = certificates[0];
    if (!leaf) return undefined;
    return { key, names: certificates.map((c) => certificateNames(c.raw)), issuer: leaf.issuer.split('\n').filter(Boolean).join(', ') };
  } catch {
    return undefined;
  }
}

/**
 * Does a CA the server lists appear in our chain (as the issuer of one of our certificates, or
 * as one of the intermediates we send)? null when the server listed no CA.
 */
export function issuerListed(facts: ClientChainFacts, acceptableCAsDer: readonly string[] | undefined): boolean | null {
  if (!acceptableCAsDer || acceptableCAsDer.length === 0) return null;
  const listed = new Set(acceptableCAsDer);
  return facts.names.some((n, i) => listed.has(n.issuer) || (i > 0 && listed.has(n.subject)));
}

/** Can our key sign a CertificateVerify the server accepts? null when the server listed no algorithms. */
export function signatureFits(facts: ClientChainFacts, accepted: readonly number[] | undefined, version: string | undefined): boolean | null {
  if (!accepted || accepted.length === 0) return null;
  const ours = schemesForKey(facts.key, version);
  return ours.some((scheme) => accepted.includes(scheme));
}
