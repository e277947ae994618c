/**
 * What one source holds: its certificates (parsed) and its private keys (not yet
 * decrypted). Pure: bytes in, data out.
 */
import { parseCertificate, type CertificateFacts } from './certificate.js';
import { fileProblem } from './errors.js';
import { isPkcs12 } from './der.js';
import { decodeInput, type InputEncoding } from './pem.js';
import { isKeyLabel, keyBlockFromDer, keyBlockFromPem, type KeyBlock } from './private-key.js';

export interface SourceContents {
  source: string;
  encoding: InputEncoding;
  certificates: CertificateFacts[];
  keys: KeyBlock[];
}

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
/** Blocks that come along with keys and carry nothing to check. */
const SILENT_LABELS = new Set(['EC PARAMETERS', 'DH PARAMETERS']);

/** Labels we recognise but cannot use: a code, and what the file is in words (FILE: the file's name, shell-quoted). */
const UNUSABLE: Record<string, { code: string; what: string }> = {
  'CERTIFICATE REQUEST': { code: 'csr', what: 'a certificate signing request (CSR), not a certificate: download the issued certificate from the console' },
  'NEW CERTIFICATE REQUEST': { code: 'csr', what: 'a certificate signing request (CSR), not a certificate: download the issued certificate from the console' },
  'PUBLIC KEY': { code: 'public-key', what: 'a public key, not a private key: use the private key file downloaded with the certificate' },
  'RSA PUBLIC KEY': { code: 'public-key', what: 'a public key, not a private key: use the private key file downloaded with the certificate' },
  PKCS7: { code: 'pkcs7', what: 'a PKCS#7 bundle: convert it with `openssl pkcs7 -print_certs -in FILE -out cert.pem`' },
  'X509 CRL': { code: 'crl', what: 'a certificate revocation list, not a certificate' },
};

/**
 * Read a source's contents. Returns undefined when the bytes are not a certificate or
 * key in any known encoding (callers decide whether that is an error); throws an
 * AitossError when they claim to be one but are broken.
 */
export function readSourceContents(bytes: Uint8Array, source: string, path?: string): SourceContents | undefined {
  const decoded = decodeInput(bytes, source);
  if (decoded.kind === 'unrecognized') return undefined;
  const file = path === undefined ? 'FILE' : shellQuote(path);

  if (decoded.kind === 'der') {
    if (isPkcs12(decoded.der)) {
      const saved = path === undefined ? 'save it to a file (FILE), then ' : '';
      throw fileProblem(
        'pkcs12',
        source,
        'holds a PKCS#12 (.p12/.pfx) bundle, not PEM or DER',
        `${saved}extract the certificate with \`openssl pkcs12 -in ${file} -clcerts -nokeys -out app.crt\` and the key, unencrypted, with \`(umask 077; openssl pkcs12 -in ${file} -nocerts -nodes -out app.key)\``,
      );
    }
    const key = keyBlockFromDer(decoded.der, source);
    if (key) return { source, encoding: decoded.encoding, certificates: [], keys: [key] };
    try {
      return { source, encoding: decoded.encoding, certificates: [parseCertificate(decoded.der, source)], keys: [] };
    } catch {
      return undefined;
    }
  }

  const contents: SourceContents = { source, encoding: decoded.encoding, certificates: [], keys: [] };
  const unusable: string[] = [];
  for (const block of decoded.blocks) {
    if (CERTIFICATE_LABELS.has(block.label)) {
      contents.certificates.push(parseCertificate(block.der, blockSource(source, block.position, decoded.blocks.length)));
    } else if (isKeyLabel(block.label)) {
      contents.keys.push(keyBlockFromPem(block, source));
    } else if (!SILENT_LABELS.has(block.label)) {
      unusable.push(block.label);
    }
  }
  if (contents.certificates.length === 0 && contents.keys.length === 0) {
    const label = unusable[0];
    const known = label === undefined ? undefined : UNUSABLE[label];
    if (known) throw fileProblem(known.code, source, `holds ${known.what.replace('FILE', file)}`);
    if (label) throw fileProblem('other-pem', source, `holds a "${label}" PEM block, not a certificate or private key`);
    throw fileProblem('not-certificate-or-key', source, 'holds no certificate or private key');
  }
  return contents;
}

/** A path as a POSIX shell word: as it is when only safe characters, else single-quoted. */
export function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function blockSource(source: string, position: number, count: number): string {
  return count > 1 ? `${source} (block ${position})` : source;
}
