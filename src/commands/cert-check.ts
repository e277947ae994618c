/**
 * `aitoss cert check [PATH...]`: the CI gate. Reads what inspect reads, judges every
 * rotation set (same subject, same issuer) on its newest valid pair with a proven key,
 * and fails when one has fewer than --fail-under days left, is expired, not yet or never
 * valid, would be refused by a TLS server, or was given with a key that does not prove it.
 *
 * Exit codes: 0 the check passed; 1 it failed; 2 usage or input error.
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { credentialRequest, resolveSettings } from '../config/settings.js';
import { inputError, usageError } from '../core/errors.js';
import { checkReport, type CheckReport } from '../core/verdict.js';
import { inspectInputs } from '../input/inspect-inputs.js';
import { renderCheckText, renderCheckVerdicts } from '../render/check-text.js';
import { command as workflowCommand, renderGithub } from '../render/github.js';
import { renderJson } from '../render/json.js';
import { renderPrometheus } from '../render/prometheus.js';
import { inspectIO, styleFor, type CommandContext } from './context.js';
import { addCredentialOptions, addFormatOptions, atOption, chooseFormat as formatAsked, configOption, failUnderOption, recursiveOption, type CredentialOptions } from './options.js';

export const CHECK_FORMATS = ['text', 'json', 'github', 'prometheus'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface CheckOptionsFlags extends CredentialOptions {
  at?: Date;
  failUnder?: number;
  requireKey?: boolean;
  all?: boolean;
  strict?: boolean;
  quiet?: boolean;
  json?: boolean;
  format?: CheckFormat;
  config?: string;
  recursive?: boolean;
}

const HELP = `
The gate: a rotation set (certificates with the same subject from the same issuer, the
old and the new side by side) is judged on its newest valid pair whose key is proven by
its private half; its older pairs are superseded and do not fail. A same-subject
certificate from another issuer (self-signed, another CA) is judged on its own, as are
certificates of different subjects; CA certificates are reported, not judged. A
certificate checked without its key passes on dates alone ("key not checked").

Failure reasons (JSON "reasons"): below-threshold, expired, never-valid, not-yet-valid,
key-mismatch, key-not-proven, no-matching-key, key-not-checked (with --require-key),
no-client-auth, malformed-eku, duplicate-extension, unknown-critical-extension,
leaf-not-first, and with --strict key-permissions and key-in-git.

Settings come from flags, then AITOSS_CERT, AITOSS_KEY, AITOSS_FAIL_UNDER, then the
configuration file (.aitossrc, aitoss.config.*, package.json "aitoss"; see 'aitoss config'),
then defaults. With PATH arguments, only --cert/--key flags add to them.

Examples:
  $ aitoss cert check certs/                            every pair in the folder; fail under 30 days
  $ aitoss cert check --cert app.crt --key app.key --fail-under 14
  $ aitoss cert check --cert env:AITOSS_CERT --key env:AITOSS_KEY --require-key
  $ aitoss cert check certs/ --format prometheus > /var/lib/node_exporter/aitoss.prom.tmp
  $ aitoss cert check certs/ --at 2027-03-01 --json     will it pass on launch day?
  $ aitoss cert check certs/ -q                         the verdict lines only

In a directory, files that are not a usable certificate or key are listed as skipped
with the reason and do not fail the check by themselves.

Exit codes: 0 the check passed,
            1 it failed (a certificate below the threshold, expired, not yet valid,
              without client authentication, or with a key that does not match;
              with --strict, a key file readable by others or unignored in git),
            2 usage or input error (a machine format still prints: json an error
              document with "ok": false, github an ::error line, prometheus
              aitoss_check_success 0).`;

export function certCheckCommand(ctx: CommandContext): Command {
  const command = addCredentialOptions(
    new Command('check')
      .description('gate CI on certificate/key pairs: exit 1 when one expires within --fail-under days, is invalid, or its key does not match')
      .argument('[path...]', 'certificate files, key files, or directories (-r: with subfolders); - reads stdin'),
  )
    .addOption(recursiveOption())
    .addOption(failUnderOption())
    .option('--require-key', 'fail a certificate whose private key is not among the inputs')
    .option('--all', 'judge every pair on its own: superseded certificates of a rotation fail too')
    .option('--strict', 'also fail when a key file is readable by group or others, or sits unignored in a git work tree')
    .addOption(atOption());
  return addFormatOptions(command, CHECK_FORMATS, 'text; github when GITHUB_ACTIONS=true')
    .option('-q, --quiet', 'text format: print only the verdicts, one line per certificate, without the details and the summary')
    .addOption(configOption())
    .addHelpText('after', HELP)
    .action(async (paths: string[], options: CheckOptionsFlags) => {
      const io = ctx.io;
      const now = options.at ?? io.now();
      const format = chooseFormat(options, io.env);
      const settings = await resolveSettings(
        { cert: options.cert, key: options.key, passphraseEnv: options.passphraseEnv, failUnder: options.failUnder, config: options.config },
        { env: io.env, cwd: io.cwd },
      );
      const request = { ...credentialRequest(paths, settings, io.env), recursive: options.recursive === true };
      if (request.paths.length === 0 && request.cert === undefined && request.key === undefined) {
        throw usageError(
          'name what to check: PATH..., or --cert SRC --key SRC (or AITOSS_CERT/AITOSS_KEY, or cert and key in a configuration file)',
        );
      }
      const { report } = await inspectInputs(request, now, inspectIO(io));
      if (report.certificates.length === 0) {
        throw inputError(undefined, 'no certificate among the inputs, only keys', 'name the certificate files too');
      }
      if (report.certificates.every((c) => c.isCA)) {
        throw inputError(undefined, 'no client certificate among the inputs, only CA certificates', 'name the client certificate files');
      }
      const checked = checkReport(report, {
        failUnder: settings.failUnder.value,
        requireKey: options.requireKey === true,
        all: options.all === true,
        strict: options.strict === true,
      });

      switch (format) {
        case 'json':
          // `ok` at the top, as in ping's JSON and the error document: one field for every parser.
          io.stdout.write(renderJson(withOk(checked)));
          break;
        case 'prometheus':
          io.stdout.write(renderPrometheus(checked));
          break;
        case 'github': {
          const { lines, summary } = renderGithub(checked);
          io.stdout.write(`${lines.join('\n')}\n`);
          const summaryFile = io.env.GITHUB_STEP_SUMMARY;
          if (summaryFile) {
            try {
              appendFileSync(resolve(io.cwd, summaryFile), summary);
            } catch (error) {
              const code = (error as { code?: string }).code ?? 'error';
              io.stdout.write(`${workflowCommand('warning', {}, `aitoss: could not append the job summary to ${summaryFile} (${code})`)}\n`);
            }
          }
          break;
        }
        default:
          io.stdout.write(options.quiet ? renderCheckVerdicts(checked, await styleFor(ctx)) : renderCheckText(checked, await styleFor(ctx)));
      }
      ctx.setOutcome(checked.status === 'pass' ? 'success' : 'failure');
    });
}

/** The check's JSON: `schemaVersion`, then `ok` (the gate passed), then the report. */
export function withOk(checked: CheckReport): { schemaVersion: number; ok: boolean } & CheckReport {
  const { schemaVersion, ...rest } = checked;
  return { schemaVersion, ok: checked.status === 'pass', ...rest } as { schemaVersion: number; ok: boolean } & CheckReport;
}

/** `--json` or `--format`; GitHub's format by default inside GitHub Actions. */
export function chooseFormat(options: Pick<CheckOptionsFlags, 'json' | 'format'>, env: NodeJS.ProcessEnv): CheckFormat {
  return formatAsked(options, env.GITHUB_ACTIONS === 'true' ? 'github' : 'text');
}
