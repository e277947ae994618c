/**
 * `aitoss cert inspect [PATH...]`: read, pair, verify and explain certificate/key pairs.
 * It reports; it does not judge: exit 0 whenever every input was read.
 *
 * Exit codes: 0 every input read (whatever the levels); 2 usage or input error.
 */
import { Command } from 'commander';
import { credentialRequest, resolveSettings } from '../config/settings.js';
import { inspectInputs } from '../input/inspect-inputs.js';
import { renderJson } from '../render/json.js';
import { renderInspectText } from '../render/text.js';
import { addCredentialOptions, addFormatOptions, atOption, chooseFormat, configOption, recursiveOption, TEXT_OR_JSON, type CredentialOptions } from './options.js';
import { inspectIO, styleFor, type CommandContext } from './context.js';

export interface InspectOptions extends CredentialOptions {
  at?: Date;
  json?: boolean;
  format?: (typeof TEXT_OR_JSON)[number];
  config?: string;
  recursive?: boolean;
}

const EXAMPLES = `
Examples:
  $ aitoss cert inspect ~/Downloads/apps-in-toss        every pair in a folder, paired by public key
  $ aitoss cert inspect --cert app.crt --key app.key
  $ aitoss cert inspect --cert env:AITOSS_CERT --key env:AITOSS_KEY -f json
  $ aitoss cert inspect certs/ --at 2027-03-01           will it still be valid on launch day?

In a directory, files that are not a usable certificate or key (a CSR, a .p12, an
encrypted key without a passphrase, a file over 1 MiB, anything else) are listed as
skipped with the reason; the rest is reported. A file named directly must be usable.

Exit codes: 0 every input was read (whatever the levels; skipped files in a directory
              are no error; use 'aitoss cert check' to gate),
            2 usage or input error (with -f json, an error document with "ok": false).`;

export function certInspectCommand(ctx: CommandContext): Command {
  const command = addCredentialOptions(
    new Command('inspect')
      .description('parse certificate/key pairs, check that keys match, and show days left against the 30/7/1-day notices')
      .argument('[path...]', 'certificate files, key files, or directories (-r: with subfolders); - reads stdin'),
  )
    .addOption(recursiveOption())
    .addOption(atOption());
  return addFormatOptions(command, TEXT_OR_JSON)
    .addOption(configOption())
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], options: InspectOptions) => {
      const format = chooseFormat(options, 'text');
      // Without PATH, --cert or --key, the certificate and key come from the settings
      // (AITOSS_CERT/AITOSS_KEY, the configuration file); see 'aitoss config'.
      const named = paths.length > 0 || options.cert !== undefined || options.key !== undefined;
      const request =
        named && options.config === undefined
          ? { paths, ...options }
          : credentialRequest(paths, await resolveSettings({ ...options }, { env: ctx.io.env, cwd: ctx.io.cwd }), ctx.io.env);
      const { report } = await inspectInputs({ ...request, recursive: options.recursive === true }, options.at ?? ctx.io.now(), inspectIO(ctx.io));
      ctx.io.stdout.write(format === 'json' ? renderJson(report) : renderInspectText(report, await styleFor(ctx)));
      ctx.setOutcome('success');
    });
}
