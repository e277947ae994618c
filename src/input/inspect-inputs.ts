/**
 * Load every input named, pair certificates with keys, and report as of `now`: the
 * composition shared by `cert inspect`, `cert check` and `ping`.
 */
import { usageError } from '../core/errors.js';
import { pairCertificates, type Pairing } from '../core/pairing.js';
import { buildReport, type InspectReport } from '../core/report.js';
import { loadCredentials, type CredentialIO, type CredentialRequest } from './credentials.js';
import { createSecretPrompt } from './prompt.js';

export interface InspectIO {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  stdin: CredentialIO['stdin'] & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** Where the passphrase prompt is written (stderr). */
  promptOutput: NodeJS.WritableStream;
}

export interface InspectedInputs {
  pairing: Pairing;
  report: InspectReport;
}

export async function inspectInputs(request: CredentialRequest, now: Date, io: InspectIO): Promise<InspectedInputs> {
  if (request.paths.length === 0 && request.cert === undefined && request.key === undefined) {
    throw usageError('name what to read: PATH..., or --cert SRC --key SRC');
  }
  const credentials = await loadCredentials(request, {
    env: io.env,
    cwd: io.cwd,
    // Built on first use: process.stdin costs a stream (~2 ms) that most runs never read.
    get stdin() {
      return io.stdin;
    },
    promptSecret: (question) => createSecretPrompt(io.stdin, io.promptOutput)?.(question),
  });
  const pairing = pairCertificates(credentials.certificateFiles, credentials.keys, credentials.explicit);
  return { pairing, report: buildReport(pairing, now, credentials.skipped) };
}
