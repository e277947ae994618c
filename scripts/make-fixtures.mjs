// Regenerate the committed test fixtures: `npm run fixtures`.
//
// Every date and serial number here is fixed, so the fixtures only change in their keys
// (random on each run; tests never hard-code fingerprints). Tests pin "now" at
// PIN = 2026-12-01T00:00:00Z with `--at`. Encrypted keys use the passphrase below.
//
// The script owns the sub-folders listed in OWNED_DIRS and fixtures/README.md: it
// deletes and recreates them on every run. Anything else under fixtures/ is left alone.
//
// `npm run fixtures -- --only verdicts` regenerates fixtures/verdicts/ alone (with its own
// README.md), issued by the committed fixtures/pki/ CA, leaving every other file as it is.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPair } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { addDays, createKeyPair, exportPrivateKey, issueCertificate, keyPairFromPem, x509 } from './lib/pki.mjs';

const started = process.hrtime.bigint();

const PASSPHRASE = 'fixture-passphrase';
const PIN = '2026-12-01T00:00:00Z';
const VALIDITY_DAYS = 390;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'fixtures');
const OWNED_DIRS = ['pki', 'pairs', 'lifecycle', 'mismatch', 'formats', 'rotation', 'bad', 'demo'];
/** Folders with a README.md of their own, generated alone with `--only NAME`. */
const SEPARATE_DIRS = ['verdicts'];
const onlyIndex = process.argv.indexOf('--only');
const ONLY = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
if (ONLY !== undefined && !SEPARATE_DIRS.includes(ONLY)) {
  console.error(`--only takes one of: ${SEPARATE_DIRS.join(', ')}`);
  process.exit(2);
}

const d = (iso) => new Date(iso);
const STANDARD_NOT_BEFORE = d('2026-06-01T00:00:00Z');
const leafSubject = (name) => `CN=${name}.partner.example, O=Demo Partner, OU=Apps in Toss`;

// ---------------------------------------------------------------- output helpers

/** Manifest rows for fixtures/README.md, in the order files are written. */
const manifest = [];
const written = [];

/** PEM text with LF line endings and exactly one trailing newline. */
function lf(text) {
  return `${text.replace(/\r\n?/g, '\n').replace(/\n+$/, '')}\n`;
}

function write(dir, name, content) {
  const file = join(FIXTURES, dir, name);
  writeFileSync(file, content);
  written.push(relative(ROOT, file));
  return file;
}

function note(dir, files, { key = '', tests, cert }) {
  manifest.push({
    dir,
    files: files.map((f) => `\`${f}\``).join(', '),
    key,
    tests,
    notBefore: cert ? cert.notBefore.toISOString().replace('.000Z', 'Z') : '',
    notAfter: cert ? cert.notAfter.toISOString().replace('.000Z', 'Z') : '',
    serial: cert ? String(parseInt(cert.serialNumber, 16)) : '',
  });
}

const KEY_LABEL = { rsa: 'RSA 2048', ec: 'EC P-256', ed25519: 'Ed25519' };

// ---------------------------------------------------------------- keys

// RSA 2048 generation dominates the run time (~0.25 s per key). Generate the RSA keys up
// front on libuv's thread pool, in parallel; `newKeyPair` falls back to pki.mjs when the
// pool runs dry (e.g. after a fixture is added without raising RSA_KEYS).
const RSA_KEYS = 23;
const rsaPool = await Promise.all(
  Array.from({ length: ONLY === undefined ? RSA_KEYS : 0 }, () =>
    promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then(({ privateKey, publicKey }) => ({
      type: 'rsa',
      privateKey,
      publicKey,
    })),
  ),
);

function newKeyPair(type) {
  return type === 'rsa' && rsaPool.length > 0 ? rsaPool.pop() : createKeyPair(type);
}

// ---------------------------------------------------------------- issuing

let nextSerial = 1;
/** The CA that issues `leaf()` certificates: set by makeAll(). */
let intermediate;

async function issue({ subject, keyPair, issuer, notBefore, notAfter, ca = false, eku, san }) {
  return issueCertificate({ subject, keyPair, issuer, notBefore, notAfter, serial: nextSerial++, ca, eku, san });
}

/**
 * A leaf certificate. Defaults: issued by the intermediate CA, EKU clientAuth,
 * subject CN=<name>.partner.example, notBefore 2026-06-01, notAfter = notBefore + 390 days.
 * Give `notAfter` alone to get notBefore = notAfter − 390 days.
 */
async function leaf(name, opts = {}) {
  const keyPair = opts.keyPair ?? newKeyPair(opts.type ?? 'rsa');
  let { notBefore, notAfter } = opts;
  if (!notBefore && notAfter) notBefore = addDays(notAfter, -VALIDITY_DAYS);
  notBefore ??= STANDARD_NOT_BEFORE;
  notAfter ??= addDays(notBefore, opts.days ?? VALIDITY_DAYS);
  const cn = `${opts.cn ?? name}.partner.example`;
  const cert = await issue({
    subject: opts.subject ?? leafSubject(opts.cn ?? name),
    keyPair,
    issuer: opts.issuer ?? intermediate,
    notBefore,
    notAfter,
    eku: 'eku' in opts ? opts.eku : ['clientAuth'],
    san: { dns: [cn] },
  });
  return { cert, keyPair, pem: lf(cert.toString('pem')) };
}

/** Write `<name>.crt` + `<name>.key` (key format default PKCS#8 PEM). */
function writePair(dir, name, { keyPair, pem }, format = 'pkcs8') {
  write(dir, `${name}.crt`, pem);
  write(dir, `${name}.key`, lf(exportPrivateKey(keyPair, format, PASSPHRASE)));
}

// ---------------------------------------------------------------- start

if (ONLY === undefined) await makeAll();
await makeVerdicts();

async function makeAll() {
for (const dir of OWNED_DIRS) {
  rmSync(join(FIXTURES, dir), { recursive: true, force: true });
  mkdirSync(join(FIXTURES, dir), { recursive: true });
}

// ---------------------------------------------------------------- pki/

const rootKeys = createKeyPair('ec');
const rootCert = await issue({
  subject: 'CN=aitoss Test Root CA, O=aitoss fixtures',
  keyPair: rootKeys,
  notBefore: d('2025-01-01T00:00:00Z'),
  notAfter: d('2035-01-01T00:00:00Z'),
  ca: true,
});
const root = { cert: rootCert, keyPair: rootKeys };

const intermediateKeys = createKeyPair('ec');
const intermediateCert = await issue({
  subject: 'CN=aitoss Test Intermediate CA, O=aitoss fixtures',
  keyPair: intermediateKeys,
  issuer: root,
  notBefore: d('2025-01-01T00:00:00Z'),
  notAfter: d('2033-01-01T00:00:00Z'),
  ca: true,
});
intermediate = { cert: intermediateCert, keyPair: intermediateKeys };
const intermediatePem = lf(intermediateCert.toString('pem'));

const otherKeys = createKeyPair('ec');
const otherCert = await issue({
  subject: 'CN=Unrelated CA',
  keyPair: otherKeys,
  notBefore: d('2025-01-01T00:00:00Z'),
  notAfter: d('2035-01-01T00:00:00Z'),
  ca: true,
});
const other = { cert: otherCert, keyPair: otherKeys };

for (const [name, { cert, keyPair }, tests] of [
  ['root-ca', root, 'Self-signed root CA `CN=aitoss Test Root CA, O=aitoss fixtures`; trust anchor for every leaf'],
  ['intermediate-ca', intermediate, '`CN=aitoss Test Intermediate CA, O=aitoss fixtures`, signed by the root; issues every leaf'],
  ['other-ca', other, 'Unrelated self-signed CA `CN=Unrelated CA`: chain verification must fail against it'],
]) {
  writePair('pki', name, { cert, keyPair, pem: lf(cert.toString('pem')) });
  note('pki', [`${name}.crt`, `${name}.key`], { key: 'EC P-256, PKCS#8', tests, cert });
}

// ---------------------------------------------------------------- pairs/

for (const [name, type, format, label, tests] of [
  ['rsa-pkcs8', 'rsa', 'pkcs8', 'PKCS#8 PEM (`BEGIN PRIVATE KEY`)', 'RSA key, PKCS#8 PEM'],
  ['rsa-pkcs1', 'rsa', 'pkcs1', 'PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`)', 'RSA key, traditional PKCS#1 PEM'],
  ['ec-sec1', 'ec', 'sec1', 'SEC1 PEM (`BEGIN EC PRIVATE KEY`)', 'EC key, SEC1 PEM'],
  ['ec-pkcs8', 'ec', 'pkcs8', 'PKCS#8 PEM', 'EC key, PKCS#8 PEM'],
  ['ed25519', 'ed25519', 'pkcs8', 'PKCS#8 PEM', 'Ed25519 key (certificate still signed by the EC intermediate)'],
  ['rsa-encrypted-pkcs8', 'rsa', 'pkcs8-encrypted', 'encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`, AES-256-CBC)', `Encrypted key; passphrase \`${PASSPHRASE}\``],
  ['rsa-encrypted-legacy', 'rsa', 'pkcs1-encrypted', 'legacy encrypted PKCS#1 (`Proc-Type: 4,ENCRYPTED`, AES-256-CBC)', `Legacy OpenSSL encrypted PEM; passphrase \`${PASSPHRASE}\``],
]) {
  const p = await leaf(name, { type });
  writePair('pairs', name, p, format);
  note('pairs', [`${name}.crt`, `${name}.key`], { key: `${KEY_LABEL[type]}, ${label}`, tests, cert: p.cert });
}
{
  const p = await leaf('ec-der', { type: 'ec' });
  write('pairs', 'ec-der-cert.der', Buffer.from(p.cert.rawData));
  write('pairs', 'ec-der-key.der', exportPrivateKey(p.keyPair, 'pkcs8-der'));
  note('pairs', ['ec-der-cert.der', 'ec-der-key.der'], {
    key: 'EC P-256, PKCS#8 DER',
    tests: 'Binary DER certificate and binary DER key (no PEM armour)',
    cert: p.cert,
  });
}

// ---------------------------------------------------------------- lifecycle/

for (const [name, opts, tests] of [
  ['expired', { notBefore: d('2025-10-01T00:00:00Z') }, 'Expired before PIN'],
  ['not-yet-valid', { notBefore: d('2027-01-01T00:00:00Z') }, 'notBefore after PIN'],
  ['expiring-20d', { notAfter: d('2026-12-21T12:00:00Z') }, '20.5 days left at PIN: inside the 30-day notice'],
  ['urgent-5d', { notAfter: d('2026-12-06T12:00:00Z') }, '5.5 days left at PIN: inside the 7-day notice'],
  ['critical-12h', { notAfter: d('2026-12-01T12:00:00Z') }, '12 hours left at PIN: inside the 1-day notice'],
  ['boundary-30d', { notAfter: d('2026-12-31T00:00:00Z') }, 'Exactly 30 days (to the second) left at PIN'],
  ['non-390', { notBefore: STANDARD_NOT_BEFORE, days: 365 }, '365-day validity instead of 390'],
  ['server-auth-only', { eku: ['serverAuth'] }, 'EKU serverAuth only (no clientAuth)'],
  ['no-eku', { eku: undefined }, 'No extended key usage extension at all'],
]) {
  const p = await leaf(name, opts);
  writePair('lifecycle', name, p);
  note('lifecycle', [`${name}.crt`, `${name}.key`], { key: 'RSA 2048, PKCS#8 PEM', tests, cert: p.cert });
}

// ---------------------------------------------------------------- mismatch/

{
  const p = await leaf('same-type');
  write('mismatch', 'same-type.crt', p.pem);
  write('mismatch', 'same-type.key', lf(exportPrivateKey(newKeyPair('rsa'), 'pkcs8')));
  note('mismatch', ['same-type.crt', 'same-type.key'], {
    key: 'RSA 2048, PKCS#8 PEM (a different RSA key)',
    tests: 'Key does not match the certificate (same key type)',
    cert: p.cert,
  });
  const q = await leaf('cross-type');
  write('mismatch', 'cross-type.crt', q.pem);
  write('mismatch', 'cross-type.key', lf(exportPrivateKey(createKeyPair('ec'), 'pkcs8')));
  note('mismatch', ['cross-type.crt', 'cross-type.key'], {
    key: 'EC P-256, PKCS#8 PEM (certificate is RSA)',
    tests: 'Key does not match the certificate (different key type)',
    cert: q.cert,
  });
}

// ---------------------------------------------------------------- formats/

let formatsCertPem;
{
  const p = await leaf('formats');
  const certPem = p.pem;
  const keyPem = lf(exportPrivateKey(p.keyPair, 'pkcs8'));
  formatsCertPem = certPem;
  const one = (files, tests) => note('formats', files, { key: 'RSA 2048', tests, cert: p.cert });

  write('formats', 'formats.crt', certPem);
  write('formats', 'formats.key', keyPem);
  one(['formats.crt', 'formats.key'], 'The plain pair every other file in this folder is derived from (PKCS#8 key)');

  write('formats', 'bundle.pem', certPem + intermediatePem);
  one(['bundle.pem'], 'Chain bundle: leaf, then intermediate CA');
  write('formats', 'bundle-intermediate-first.pem', intermediatePem + certPem);
  one(['bundle-intermediate-first.pem'], 'Chain bundle in the wrong order: intermediate CA, then leaf');
  write('formats', 'combined.pem', keyPem + certPem);
  one(['combined.pem'], 'Private key PEM followed by certificate PEM in one file');

  const crlf = (s) => s.replace(/\n/g, '\r\n');
  write('formats', 'crlf.crt', crlf(certPem));
  write('formats', 'crlf.key', crlf(keyPem));
  one(['crlf.crt', 'crlf.key'], 'CRLF line endings');

  write('formats', 'bom.crt', `\uFEFF${certPem}`);
  one(['bom.crt'], 'UTF-8 byte order mark (EF BB BF) before the PEM');

  write('formats', 'openssl-text.crt', opensslText(certPem) + certPem);
  one(['openssl-text.crt'], 'Human-readable `openssl x509 -text` preamble before the PEM');

  // Single-line values as secret stores / environment variables hold them: no trailing newline.
  write('formats', 'cert.b64', Buffer.from(certPem).toString('base64'));
  write('formats', 'key.b64', Buffer.from(keyPem).toString('base64'));
  one(['cert.b64', 'key.b64'], 'Base64 of the whole PEM text, one line, no trailing newline');
  write('formats', 'cert.escaped', certPem.replace(/\n/g, '\\n'));
  write('formats', 'key.escaped', keyPem.replace(/\n/g, '\\n'));
  one(['cert.escaped', 'key.escaped'], 'PEM with each newline written as the two characters `\\n`, one line, no trailing newline');
}

/** `openssl x509 -text -noout` of a PEM; a synthesized look-alike if openssl is unavailable. */
function opensslText(pem) {
  try {
    return lf(execFileSync('openssl', ['x509', '-text', '-noout'], { input: pem, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] }));
  } catch {
    return lf(
      [
        'Certificate:',
        '    Data:',
        '        Version: 3 (0x2)',
        '        Serial Number: (see PEM)',
        '        Signature Algorithm: ecdsa-with-SHA256',
        '        Issuer: CN = aitoss Test Intermediate CA, O = aitoss fixtures',
        '        Validity',
        '            Not Before: Jun  1 00:00:00 2026 GMT',
        '            Not After : Jun 26 00:00:00 2027 GMT',
        '        Subject: CN = formats.partner.example, O = Demo Partner, OU = Apps in Toss',
        '        Subject Public Key Info:',
        '            Public Key Algorithm: rsaEncryption',
        '                Public-Key: (2048 bit)',
      ].join('\n'),
    );
  }
}

// ---------------------------------------------------------------- rotation/

{
  const subject = 'CN=rotation.partner.example, O=Demo Partner, OU=Apps in Toss';
  const old = await leaf('rotation', { subject, notAfter: d('2026-12-11T00:00:00Z') });
  writePair('rotation', 'app-2025', old);
  note('rotation', ['app-2025.crt', 'app-2025.key'], {
    key: 'RSA 2048, PKCS#8 PEM',
    tests: 'Older generation of `rotation.partner.example` (10 days left at PIN)',
    cert: old.cert,
  });
  const cur = await leaf('rotation', { subject, notBefore: d('2026-11-20T00:00:00Z') });
  writePair('rotation', 'app-2026', cur);
  note('rotation', ['app-2026.crt', 'app-2026.key'], {
    key: 'RSA 2048, PKCS#8 PEM',
    tests: 'Newer generation of the same subject: the replacement',
    cert: cur.cert,
  });
  const oth = await leaf('other');
  writePair('rotation', 'other-app', oth);
  note('rotation', ['other-app.crt', 'other-app.key'], {
    key: 'RSA 2048, PKCS#8 PEM',
    tests: 'A different app (`CN=other.partner.example`): not part of the rotation',
    cert: oth.cert,
  });
}

// ---------------------------------------------------------------- bad/

{
  const p = await leaf('bad');
  const certPem = p.pem;
  const keyPem = lf(exportPrivateKey(p.keyPair, 'pkcs8'));
  const firstHalf = (pem) => {
    const lines = pem.trimEnd().split('\n');
    return `${lines.slice(0, Math.ceil(lines.length / 2)).join('\n')}\n`;
  };
  const plain = (files, tests, cert) => note('bad', files, { tests, cert });

  write('bad', 'garbage.txt', 'not a certificate\n');
  plain(['garbage.txt'], 'Text that is not PEM at all');
  write('bad', 'empty.pem', '');
  plain(['empty.pem'], 'Empty file (0 bytes)');
  write('bad', 'truncated.crt', firstHalf(certPem));
  plain(['truncated.crt'], 'Certificate PEM cut roughly in half; END line missing', p.cert);
  write('bad', 'truncated.key', firstHalf(keyPem));
  plain(['truncated.key'], 'Private key PEM cut roughly in half; END line missing');

  // Valid base64, invalid DER: the outer SEQUENCE header (first 6 bytes) becomes zeros.
  const lines = certPem.trimEnd().split('\n');
  lines[1] = `AAAAAAAA${lines[1].slice(8)}`;
  write('bad', 'corrupt-body.crt', `${lines.join('\n')}\n`);
  plain(['corrupt-body.crt'], 'BEGIN/END intact, base64 valid, but the DER header is zeroed so decoding fails', p.cert);

  write('bad', 'cert-in-key-file.key', certPem);
  plain(['cert-in-key-file.key'], 'A certificate PEM saved under a .key name', p.cert);
}

// ---------------------------------------------------------------- demo/

{
  const subject = 'CN=demo.partner.example, O=Demo Partner, OU=Apps in Toss';
  for (const [year, notBefore, tests] of [
    ['2025', d('2025-12-20T00:00:00Z'), 'Older generation of `demo.partner.example`'],
    ['2026', d('2026-11-25T00:00:00Z'), 'Newer generation of `demo.partner.example`'],
  ]) {
    const p = await leaf('demo', { subject, notBefore });
    write('demo', `demo-${year}_cert.pem`, p.pem);
    write('demo', `demo-${year}_private.pem`, lf(exportPrivateKey(p.keyPair, 'pkcs8')));
    note('demo', [`demo-${year}_cert.pem`, `demo-${year}_private.pem`], {
      key: 'RSA 2048, PKCS#8 PEM',
      tests,
      cert: p.cert,
    });
  }
}

// ---------------------------------------------------------------- README.md

writeFileSync(join(FIXTURES, 'README.md'), readme());
written.push('fixtures/README.md');
}

// ---------------------------------------------------------------- verdicts/

/**
 * Hostile and edge certificates for the verdicts (issues 11 and 12): forged keys that carry
 * a certificate's public key without its private key, same-subject strangers, extensions a
 * TLS server rejects, a validity that ends before it begins. Issued by the committed
 * fixtures/pki/ CA (read back from its files), serials from 1001.
 */
async function makeVerdicts() {
  const dir = 'verdicts';
  rmSync(join(FIXTURES, dir), { recursive: true, force: true });
  mkdirSync(join(FIXTURES, dir), { recursive: true });
  const loadCa = (name) => ({
    cert: new x509.X509Certificate(readFileSync(join(FIXTURES, 'pki', `${name}.crt`), 'utf8')),
    keyPair: keyPairFromPem(readFileSync(join(FIXTURES, 'pki', `${name}.key`), 'utf8'), 'ec'),
  });
  const ca = loadCa('intermediate-ca');
  const rows = [];
  let serial = 1001;
  const make = async (name, opts = {}) => {
    const keyPair = opts.keyPair ?? createKeyPair(opts.type ?? 'rsa');
    const notBefore = opts.notBefore ?? STANDARD_NOT_BEFORE;
    const cert = await issueCertificate({
      subject: opts.subject ?? leafSubject(name),
      keyPair,
      issuer: opts.selfSigned ? undefined : (opts.issuer ?? ca),
      notBefore,
      notAfter: opts.notAfter ?? addDays(notBefore, VALIDITY_DAYS),
      serial: serial++,
      eku: 'eku' in opts ? opts.eku : ['clientAuth'],
      san: { dns: [`${name}.partner.example`] },
      ca: opts.ca ?? false,
      extraExtensions: opts.extraExtensions,
    });
    return { cert, keyPair, pem: lf(cert.toString('pem')) };
  };
  const row = (files, key, tests, cert) =>
    rows.push(`| ${files.map((f) => `\`${f}\``).join(', ')} | ${key} | ${tests.replace(/\|/g, '\\|')} | ${cert ? cert.notBefore.toISOString().replace('.000Z', 'Z') : ''} | ${cert ? cert.notAfter.toISOString().replace('.000Z', 'Z') : ''} | ${cert ? parseInt(cert.serialNumber, 16) : ''} |`);
  const pkcs8 = (keyPair) => lf(exportPrivateKey(keyPair, 'pkcs8'));

  // Forged RSA: the certificate's n and e, d = p = q = dp = dq = qi = 1.
  {
    const p = await make('forged-rsa');
    const jwk = p.keyPair.privateKey.export({ format: 'jwk' });
    const one = Buffer.from([1]).toString('base64url');
    const forged = createPrivateKey({ key: { ...jwk, d: one, p: one, q: one, dp: one, dq: one, qi: one }, format: 'jwk' });
    write(dir, 'forged-rsa.crt', p.pem);
    write(dir, 'forged-rsa.key', lf(forged.export({ format: 'pem', type: 'pkcs8' })));
    row(['forged-rsa.crt', 'forged-rsa.key'], 'RSA, PKCS#8: the certificate\'s n and e, d = p = q = dp = dq = qi = 1', 'Forged key: the public half matches, the private part proves nothing', p.cert);
  }
  // Forged EC: the certificate's point, another scalar (SEC1 and PKCS#8).
  for (const [name, type] of [['forged-ec', 'sec1'], ['forged-ec-pkcs8', 'pkcs8']]) {
    const p = await make(name, { type: 'ec' });
    const jwk = p.keyPair.privateKey.export({ format: 'jwk' });
    const other = createKeyPair('ec').privateKey.export({ format: 'jwk' });
    const forged = createPrivateKey({ key: { ...jwk, d: other.d }, format: 'jwk' });
    write(dir, `${name}.crt`, p.pem);
    write(dir, `${name}.key`, lf(forged.export({ format: 'pem', type })));
    row([`${name}.crt`, `${name}.key`], `EC P-256, ${type === 'sec1' ? 'SEC1' : 'PKCS#8'}: the certificate's public point, a corrupted scalar`, 'Forged key: the public half matches, d·G is another point', p.cert);
  }

  // Same-subject strangers of a console certificate that expires 10 days after PIN.
  {
    const subject = leafSubject('stranger');
    const consoleCert = await make('stranger', { subject, notAfter: d('2026-12-11T00:00:00Z'), notBefore: addDays(d('2026-12-11T00:00:00Z'), -VALIDITY_DAYS) });
    write(dir, 'console.crt', consoleCert.pem);
    write(dir, 'console.key', pkcs8(consoleCert.keyPair));
    row(['console.crt', 'console.key'], 'RSA 2048, PKCS#8', 'Console certificate of `stranger.partner.example`, 10 days left at PIN', consoleCert.cert);
    const selfSigned = await make('stranger', { subject, selfSigned: true, notBefore: d('2026-11-20T00:00:00Z') });
    write(dir, 'self-signed.crt', selfSigned.pem);
    write(dir, 'self-signed.key', pkcs8(selfSigned.keyPair));
    row(['self-signed.crt', 'self-signed.key'], 'RSA 2048, PKCS#8', 'Self-signed, same subject, later expiry: must not supersede `console.crt`', selfSigned.cert);
    // A CA with the intermediate's very name but its own key: only the authorityKeyIdentifier tells them apart.
    const impostorKeys = createKeyPair('ec');
    const impostorCert = await issueCertificate({
      subject: ca.cert.subject,
      keyPair: impostorKeys,
      notBefore: d('2025-01-01T00:00:00Z'),
      notAfter: d('2033-01-01T00:00:00Z'),
      serial: serial++,
      ca: true,
    });
    const impostor = { cert: impostorCert, keyPair: impostorKeys };
    const sameName = await make('stranger', { subject, issuer: impostor, notBefore: d('2026-11-20T00:00:00Z') });
    write(dir, 'same-issuer-name.crt', sameName.pem);
    write(dir, 'same-issuer-name.key', pkcs8(sameName.keyPair));
    row(['same-issuer-name.crt', 'same-issuer-name.key'], 'RSA 2048, PKCS#8', 'Same subject, issuer NAME of the intermediate but another CA key (other authorityKeyIdentifier): must not supersede `console.crt`', sameName.cert);
  }

  // Extensions a TLS server rejects (`openssl verify` fails on each).
  for (const [name, opts, tests] of [
    ['unknown-critical', { extraExtensions: [new x509.Extension('1.2.3.4', true, new Uint8Array([0x05, 0x00]))] }, 'A critical extension 1.2.3.4 (NULL) no verifier knows'],
    ['duplicate-eku', { extraExtensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false)] }, 'Two extendedKeyUsage extensions (clientAuth, then serverAuth)'],
    ['malformed-eku', { eku: undefined, extraExtensions: [new x509.Extension('2.5.29.37', false, new Uint8Array([0x04, 0x03, 0x01, 0x02, 0x03]))] }, 'An extendedKeyUsage whose value is an OCTET STRING, not a list of purposes'],
  ]) {
    const p = await make(name, opts);
    write(dir, `${name}.crt`, p.pem);
    write(dir, `${name}.key`, pkcs8(p.keyPair));
    row([`${name}.crt`, `${name}.key`], 'RSA 2048, PKCS#8', tests, p.cert);
  }

  // notBefore after notAfter.
  {
    const p = await make('never-valid', { notBefore: d('2027-01-01T00:00:00Z'), notAfter: d('2026-06-01T00:00:00Z') });
    write(dir, 'never-valid.crt', p.pem);
    write(dir, 'never-valid.key', pkcs8(p.keyPair));
    row(['never-valid.crt', 'never-valid.key'], 'RSA 2048, PKCS#8', 'notBefore (2027-01-01) after notAfter (2026-06-01): never valid', p.cert);
  }

  writeFileSync(
    join(FIXTURES, dir, 'README.md'),
    [
      '# `verdicts/`',
      '',
      'Generated by `scripts/make-fixtures.mjs` (`npm run fixtures -- --only verdicts` regenerates this folder alone).',
      'Issued by `pki/intermediate-ca` unless a row says otherwise; PIN and dates as in `../README.md`.',
      '',
      '| File(s) | Key | What it tests | notBefore | notAfter | Serial |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
  written.push(`fixtures/${dir}/README.md`);
}

function readme() {
  const esc = (s) => s.replace(/\|/g, '\\|');
  const sections = {
    pki: 'Test PKI. Every leaf below is issued by `intermediate-ca`, which is signed by `root-ca`.',
    pairs: 'Certificate + key pairs in every key type and encoding users hold. Standard dates.',
    lifecycle: `Dates around PIN = ${PIN} (use \`--at ${PIN}\`). All RSA 2048, PKCS#8 PEM keys.`,
    mismatch: 'The key file does NOT belong to the certificate.',
    formats: 'One RSA pair (`CN=formats.partner.example`) in every container and encoding.',
    rotation: 'Two generations of one app (same subject) plus an unrelated app.',
    bad: 'Files that must be rejected with a clear error. The certificate-derived ones come from a throwaway leaf `CN=bad.partner.example`.',
    demo: "A partner's download folder for the README quick start. File names deliberately do not match: pairing is by public key.",
  };
  const out = [
    '# Test fixtures',
    '',
    'Generated by `scripts/make-fixtures.mjs`: **regenerate with `npm run fixtures`** (do not edit by hand).',
    'The script deletes and recreates the folders below and this README; other files in `fixtures/` are untouched.',
    '',
    `- Tests pin "now" at **PIN = ${PIN}** with \`--at\`.`,
    '- Dates and serial numbers are fixed; keys are random on each regeneration, so never hard-code fingerprints.',
    `- Encrypted keys use the passphrase **\`${PASSPHRASE}\`**.`,
    '- Unless a row says otherwise a leaf certificate: is issued by the intermediate CA, has EKU clientAuth,',
    '  a DNS subjectAltName equal to its CN, subject `CN=<name>.partner.example, O=Demo Partner, OU=Apps in Toss`,',
    `  notBefore 2026-06-01T00:00:00Z and notAfter = notBefore + ${VALIDITY_DAYS} days (2027-06-26T00:00:00Z).`,
    '- PEM files use LF line endings except `formats/crlf.*`.',
    '- `verdicts/` (forged keys, same-subject strangers, rejected extensions) has its own README.md.',
    '',
  ];
  for (const dir of OWNED_DIRS) {
    out.push(`## \`${dir}/\``, '', sections[dir], '');
    out.push('| File(s) | Key | What it tests | notBefore | notAfter | Serial |', '|---|---|---|---|---|---|');
    for (const r of manifest.filter((m) => m.dir === dir)) {
      out.push(`| ${r.files} | ${esc(r.key)} | ${esc(r.tests)} | ${r.notBefore} | ${r.notAfter} | ${r.serial} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- summary

const ms = Number(process.hrtime.bigint() - started) / 1e6;
const perDir = Object.fromEntries(OWNED_DIRS.map((dir) => [dir, written.filter((f) => f.startsWith(`fixtures/${dir}/`)).length]));
console.log(
  `fixtures: wrote ${written.length} files (${Object.entries(perDir)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}, README.md), ${nextSerial - 1} certificates, in ${(ms / 1000).toFixed(1)} s`,
);
