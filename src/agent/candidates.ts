/**
 * The agent's seam into the CLI's core: sources → certificates and keys → pairs → the pair
 * `cert check` would judge current. Reading, decoding, pairing, levels, failure reasons
 * and their words are all the core's (src/input/read-source.ts, src/core/*); what is the
 * agent's own is only the choice among pairs that pass, and the refusal to guess.
 *
 * Pure apart from reading the sources: `now` is a parameter.
 */
import { createHash } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { CertificateFile, ExplicitPair, PairedCertificate } from '../core/pairing.js';
import { pairCertificates } from '../core/pairing.js';
import { readSourceContents, type SourceContents } from '../core/credentials.js';
import { escapeControlCharacters, isAitossError } from '../core/errors.js';
import { toPem } from '../core/pem.js';
import { loadPrivateKey, type LoadedKey } from '../core/private-key.js';
import { reportCertificate, type CertificateReport } from '../core/report.js';
import { rotationSets } from '../core/rotation.js';
import { reasonsFor, reasonText, type ReasonCode } from '../core/verdict.js';
import { readPathArgument, readSingleSource, type RawSource } from '../input/read-source.js';
import { isShowablePath } from '../input/src-value.js';
import { MtlsAgentError, type CredentialSource, type MtlsErrorCode } from './index.js';

/** What to read: the explicit pairs and the folders, as the options named them. */
export interface SourcePlan {
  pairs: Array<{ cert: CredentialSource; key: CredentialSource; label: string }>;
  dirs: string[];
}

/** A pair that passed every rule, ready for TLS. */
export interface Candidate {
  pair: PairedCertificate;
  report: CertificateReport;
  /** Leaf first, then the CA certificates that came with it. Public. */
  certPem: string;
  /** Secret: handed to TLS only. */
  keyPem: string;
  /** Identifies the pair (certificate and key fingerprints) without revealing the key. */
  id: string;
}

export interface TurnedDown {
  /** The certificate and key fingerprints, to announce each one once. */
  id: string;
  code: MtlsErrorCode;
  message: string;
  source: string | undefined;
  /** The certificate's expiry, when the candidate is a certificate (not an unreadable file). */
  notAfter?: Date;
}

export interface Selection {
  chosen: Candidate;
  /** Candidates that failed a rule, or files that could not be read as one. */
  turnedDown: TurnedDown[];
}

/**
 * Read every source and choose the pair to present. Throws an MtlsAgentError when no
 * pair passes (its code and message are those of the best candidate's first failure).
 */
export async function selectPair(plan: SourcePlan, options: { passphrase: string | undefined; env: Readonly<Record<string, string | undefined>>; now: Date }): Promise<Selection> {
  const turnedDown: TurnedDown[] = [];
  const certificateFiles: CertificateFile[] = [];
  const keyBlocks: Array<{ block: SourceContents['keys'][number]; explicit: boolean }> = [];
  const explicit: ExplicitPair[] = [];
  const io = { env: options.env as NodeJS.ProcessEnv, stdin: process.stdin };

  const add = (contents: SourceContents, explicitSource: boolean) => {
    if (contents.certificates.length > 0) certificateFiles.push({ source: contents.source, certificates: contents.certificates });
    for (const block of contents.keys) keyBlocks.push({ block, explicit: explicitSource });
  };

  for (const pair of plan.pairs) {
    const cert = contentsOf(await readNamed(pair.cert, `options.${pair.label}cert`, io), 'certificate');
    const key = contentsOf(await readNamed(pair.key, `options.${pair.label}key`, io), 'key');
    if (cert.certificates.length === 0) throw fail('no-certificate', `${cert.source}: holds no certificate (given as options.${pair.label}cert)`, cert.source);
    if (key.keys.length === 0) throw fail('no-key', `${key.source}: holds no private key (given as options.${pair.label}key)`, key.source);
    // Two pairs read from one place (the same env variable twice) are one pair.
    if (!certificateFiles.some((f) => f.source === cert.source)) add(cert, true);
    if (!keyBlocks.some((k) => k.block.source === key.source)) add({ ...key, certificates: [] }, true);
    explicit.push({ certSource: cert.source, keySource: key.source });
  }

  for (const [index, given] of plan.dirs.entries()) {
    // A folder is named as given only when it may be shown (never what looks like key material).
    const dir = isShowablePath(given) ? given : `options.dir[${index}]`;
    let raws: RawSource[];
    try {
      const read = await readPathArgument(given, io);
      raws = read.sources;
      // A file the folder holds that cannot be read (over 1 MiB, a FIFO, a broken link) is turned down, not fatal.
      for (const skipped of read.skipped) {
        turnedDown.push({ id: `file:${skipped.source}:${skipped.code}`, code: 'input', message: escapeControlCharacters(`${skipped.source}: ${skipped.reason}`), source: skipped.source });
      }
    } catch (error) {
      throw asAgentError(error, dir);
    }
    let found = 0;
    for (const raw of raws) {
      try {
        const contents = readSourceContents(raw.bytes, raw.name);
        if (contents === undefined) continue;
        add(contents, !raw.fromDirectory);
        found += 1;
      } catch (error) {
        // One damaged file in a folder (a half-written copy) is turned down, not fatal.
        const agentError = asAgentError(error, raw.name);
        turnedDown.push({ id: `file:${raw.name}:${digest(raw.bytes)}`, code: agentError.code, message: agentError.message, source: raw.name });
      }
    }
    if (found === 0 && turnedDown.length === 0) {
      throw fail('no-certificate', `${dir}: no certificate or private key found in this directory`, dir);
    }
  }

  const keys: LoadedKey[] = [];
  for (const { block, explicit: named } of keyBlocks) {
    try {
      keys.push(loadPrivateKey(block, options.passphrase));
    } catch (error) {
      const agentError = asAgentError(error, block.source);
      if (named) throw agentError;
      turnedDown.push({ id: `key:${block.source}:${digest(block.der)}`, code: agentError.code, message: agentError.message, source: block.source });
    }
  }

  const pairing = pairCertificates(certificateFiles, keys, explicit);
  const clientPairs = pairing.pairs.filter((p) => !p.leaf.isCA);
  if (clientPairs.length === 0) {
    const first = turnedDown[0];
    if (first) throw fail(first.code, first.message, first.source);
    throw fail('no-certificate', 'no client certificate among the sources (only CA certificates or keys)');
  }

  // The core's rotation model (src/core/rotation.ts), shared with inspect and check: sets
  // of one subject from one issuer, each with the pair `cert check` judges it on.
  const reports = clientPairs.map((pair) => reportCertificate(pair, options.now));
  const judged = clientPairs.map((pair, i) => {
    const report = reports[i] as CertificateReport;
    return { pair, report, reasons: reasonsFor(report, { failUnder: 0, requireKey: true }), id: pairId(pair) };
  });
  const byReport = new Map(judged.map((entry) => [entry.report, entry]));
  const sets = rotationSets(reports);

  const usable = new Map<CertificateReport, Candidate>();
  for (const entry of judged) {
    if (entry.reasons.length > 0) {
      turnedDown.push({ id: entry.id, notAfter: entry.pair.leaf.notAfter, ...failure(entry.report, entry.reasons, options.now) });
      continue;
    }
    const candidate = toCandidate(entry.pair, entry.report, entry.id);
    const tlsProblem = tlsRefusal(candidate);
    if (tlsProblem) {
      turnedDown.push({ id: entry.id, notAfter: entry.pair.leaf.notAfter, code: 'key-mismatch', message: escapeControlCharacters(`${entry.report.source}: ${tlsProblem}`), source: entry.report.source });
      continue;
    }
    usable.set(entry.report, candidate);
  }

  const usableSets = sets.filter((set) => set.members.some((member) => usable.has(member)));
  if (usableSets.length === 0) {
    // The failure of the pair `cert check` judges the first set on.
    const best = byReport.get(sets[0]?.current as CertificateReport) ?? judged[0];
    const reason = turnedDown.find((t) => t.id === best?.id) ?? turnedDown[0];
    if (!reason) throw fail('no-certificate', 'no usable client certificate among the sources');
    throw fail(reason.code, reason.message, reason.source);
  }
  if (usableSets.length > 1) {
    // Named by file too: a same-subject stranger may carry the very same subject and issuer name.
    const names = usableSets.map((set) => `${set.current.source} (${set.subject} from ${set.issuer})`);
    throw fail(
      'ambiguous',
      `the sources hold usable certificates of ${usableSets.length} different rotation sets (${names.join('; ')}): give the agent one app's certificates only`,
    );
  }
  // The set's current pair (the newest presentable one) when it passes every rule of the
  // gate too; else the newest pair of the set that does.
  const set = usableSets[0] as (typeof usableSets)[number];
  const chosen = usable.get(set.current) ?? (usable.get(set.members.filter((m) => usable.has(m)).at(-1) as CertificateReport) as Candidate);
  return { chosen, turnedDown };
}

/** A reason code of `cert check` as the agent's error code (the agent always requires a key). */
function failure(report: CertificateReport, reasons: ReasonCode[], now: Date): Omit<TurnedDown, 'id'> {
  const reason = reasons[0] as ReasonCode;
  const noKey = (r: ReasonCode) => r === 'key-not-checked' || r === 'no-matching-key';
  const code = (noKey(reason) ? 'no-key' : reason) as MtlsErrorCode;
  const words = reasons.map((r) => (noKey(r) ? 'no private key among the sources belongs to it' : reasonText(report, r, 0, now.toISOString())));
  return { code, message: escapeControlCharacters(`${report.source}: ${words.join('; ')}`), source: report.source };
}

function toCandidate(pair: PairedCertificate, report: CertificateReport, id: string): Candidate {
  const key = pair.key as LoadedKey;
  const blocks = [pair.leaf.der, ...pair.chain.map((link) => link.certificate.der)];
  return { pair, report, id, certPem: blocks.map((der) => toPem('CERTIFICATE', der)).join(''), keyPem: key.pemForTls() };
}

/** What OpenSSL itself says of the pair, the last word before a handshake depends on it. */
function tlsRefusal(candidate: Candidate): string | undefined {
  try {
    createSecureContext({ cert: candidate.certPem, key: candidate.keyPem });
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH'
      ? 'TLS refuses the pair: the key does not belong to the certificate'
      : `TLS refuses the pair (${code ?? 'unknown error'})`;
  }
}

function pairId(pair: PairedCertificate): string {
  return `${pair.leaf.fingerprintSha256}/${pair.key?.publicKeyFingerprintSha256 ?? 'no-key'}`;
}

function digest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/**
 * Read one named source: the input layer's SRC reading (a path, `env:NAME`, or the
 * certificate or key itself, never echoed), with `options.cert` as the name of content.
 * A Buffer is content.
 */
async function readNamed(source: CredentialSource, option: string, io: { env: NodeJS.ProcessEnv; stdin: NodeJS.ReadableStream }): Promise<RawSource> {
  if (Buffer.isBuffer(source)) return { name: option, label: option, bytes: source, fromDirectory: false };
  if (typeof source !== 'string' || source === '' || source === '-') {
    throw fail('option', `${option}: expected a file path, env:NAME, PEM text or a Buffer`);
  }
  try {
    // Named as given, like a PATH: `options.cert` only when the value may not be shown.
    return await readSingleSource(source, io, { setting: 'path', origin: 'argument', option });
  } catch (error) {
    throw asAgentError(error, isShowablePath(source) ? source : option);
  }
}

function contentsOf(raw: RawSource, what: 'certificate' | 'key'): SourceContents {
  let contents: SourceContents | undefined;
  try {
    contents = readSourceContents(raw.bytes, raw.name);
  } catch (error) {
    throw asAgentError(error, raw.name);
  }
  if (contents === undefined) {
    throw fail(what === 'certificate' ? 'no-certificate' : 'no-key', `${raw.name}: is not a certificate or private key (expected PEM, DER, or base64 of either)`, raw.name);
  }
  return contents;
}

/** The core's one-line errors (AitossError) keep their words; anything else is named, never quoted. */
export function asAgentError(error: unknown, source: string | undefined): MtlsAgentError {
  if (error instanceof MtlsAgentError) return error;
  if (isAitossError(error)) {
    const code: MtlsErrorCode = /key does not belong|does not match/.test(error.message) ? 'key-mismatch' : 'input';
    return fail(code, error.toLine(), error.source ?? source);
  }
  const code = (error as { code?: string }).code;
  return fail('input', `${source ?? 'a source'}: could not be read${code ? ` (${code})` : ''}`, source);
}

/** An MtlsAgentError whose message stays one line: names from outside are escaped. */
export function fail(code: MtlsErrorCode, message: string, source?: string): MtlsAgentError {
  return new MtlsAgentError(code, escapeControlCharacters(message), source);
}
