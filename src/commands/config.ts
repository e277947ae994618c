/**
 * `aitoss config`: the effective settings and where each value came from (a flag, an
 * environment variable, the configuration file, or the default). Secrets are never
 * shown: certificate and key settings are sources (paths, `env:NAME`), and of the
 * passphrase only the variable's name and whether it is set.
 *
 * Exit codes: 0 printed; 2 usage error or a configuration file that cannot be used.
 */
import { Command } from 'commander';
import { resolveSettings, type Setting, type Settings, type SettingFlags } from '../config/settings.js';
import { SEARCH_PLACES } from '../config/load-config.js';
import { renderJson } from '../render/json.js';
import { styleFor, type CommandContext } from './context.js';
import { addCredentialOptions, addFormatOptions, chooseFormat, configOption, failUnderOption, TEXT_OR_JSON, type CredentialOptions } from './options.js';

interface ConfigFlags extends CredentialOptions {
  failUnder?: number;
  config?: string;
  json?: boolean;
  format?: (typeof TEXT_OR_JSON)[number];
}

const HELP = `
Precedence: flags, then the environment (AITOSS_CERT, AITOSS_KEY, AITOSS_FAIL_UNDER,
AITOSS_ENDPOINT, AITOSS_TIMEOUT), then the configuration file, then the defaults.

The configuration file is the first found from the working directory upward among:
  ${SEARCH_PLACES.map((p) => (p === 'package.json' ? 'package.json ("aitoss" key)' : p)).join(', ')}
or the one named by --config. Keys: cert, key, passphraseEnv, failUnder, endpoint, ca,
timeout ("10s", "500ms", "2m", or milliseconds; timeoutMs is the older key in
milliseconds). Paths in it are relative to the file.

Examples:
  $ aitoss config
  $ aitoss config --config ci/aitoss.yaml --json
  $ AITOSS_FAIL_UNDER=14 aitoss config --fail-under 7      the flag wins

Exit codes: 0 printed, 2 usage error or a configuration file with an unknown key or a
            value of the wrong type.`;

type SettingName = Exclude<keyof Settings, 'configFile'>;
const NAMES: SettingName[] = ['cert', 'key', 'passphraseEnv', 'failUnder', 'endpoint', 'ca', 'timeoutMs'];

export function configCommand(ctx: CommandContext): Command {
  const command = addCredentialOptions(new Command('config').description('show the effective settings and where each value came from'))
    .addOption(failUnderOption())
    .addOption(configOption());
  return addFormatOptions(command, TEXT_OR_JSON)
    .addHelpText('after', HELP)
    .action(async (options: ConfigFlags) => {
      const format = chooseFormat(options, 'text');
      const flags: SettingFlags = {
        cert: options.cert,
        key: options.key,
        passphraseEnv: options.passphraseEnv,
        failUnder: options.failUnder,
        config: options.config,
      };
      const settings = await resolveSettings(flags, { env: ctx.io.env, cwd: ctx.io.cwd });
      const passphraseSet = (ctx.io.env[settings.passphraseEnv.value] ?? '') !== '';
      ctx.io.stdout.write(
        format === 'json' ? renderJson(configJson(settings, passphraseSet)) : renderConfigText(settings, passphraseSet, await styleFor(ctx)),
      );
      ctx.setOutcome('success');
    });
}

export function configJson(settings: Settings, passphraseSet: boolean) {
  const entries = NAMES.map((name) => {
    const setting = settings[name] as Setting<string | number> | undefined;
    const value = setting ? { value: setting.value, origin: setting.origin } : null;
    return [name, name === 'passphraseEnv' && value ? { ...value, set: passphraseSet } : value] as const;
  });
  return { schemaVersion: 1, configFile: settings.configFile ?? null, settings: Object.fromEntries(entries) };
}

export function renderConfigText(settings: Settings, passphraseSet: boolean, style: { dim(text: string): string }): string {
  const rows: Array<[string, string, string]> = [['config file', settings.configFile ?? 'none found', '']];
  for (const name of NAMES) {
    const setting = settings[name] as Setting<string | number> | undefined;
    if (!setting) {
      rows.push([name, '-', 'not set']);
      continue;
    }
    const note = name === 'passphraseEnv' ? `; ${passphraseSet ? 'the variable is set' : 'the variable is not set'}` : '';
    rows.push([name, String(setting.value), `${setting.origin}${note}`]);
  }
  const nameWidth = Math.max(...rows.map(([n]) => n.length)) + 2;
  const valueWidth = Math.max(...rows.slice(1).map(([, v]) => v.length)) + 2;
  return `${rows
    .map(([name, value, origin]) => (origin ? `${name.padEnd(nameWidth)}${value.padEnd(valueWidth)}${style.dim(`(${origin})`)}` : `${name.padEnd(nameWidth)}${value}`))
    .join('\n')}\n`;
}
