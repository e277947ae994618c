/**
 * `aitoss config`: the effective settings and where each value came from (a flag, an
 * environment variable, the configuration file, or the default). Secrets are never
 * shown: certificate and key settings are sources (paths, `env:NAME`), and of the
 * passphrase only the variable's name and whether it is set.
 *
 * Exit codes: 0 printed; 2 usage error or a configuration file that cannot be used.
 */
import { Command } from 'commander';
import { escapeControlCharacters } from '../core/errors.js';
import { resolveSettings, type Setting, type Settings, type SettingFlags } from '../config/settings.js';
import { SEARCH_PLACES } from '../config/load-config.js';
import { redactUrlCredentials } from '../core/redact.js';
import { describeSrcValue } from '../input/src-value.js';
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
up to the repository root (.git), else the package root (package.json), never above the
home directory; or the one named by --config. A file (or a directory on its path) that
another user can write to is refused. This command says which file applies and why.
Keys: cert, key, passphraseEnv, failUnder, endpoint, ca, timeout ("10s", "500ms", "2m",
or milliseconds; timeoutMs is the older key in milliseconds). Paths in it are relative
to the file.

Examples:
  $ aitoss config
  $ aitoss config --config ci/aitoss.yaml --json
  $ AITOSS_FAIL_UNDER=14 aitoss config --fail-under 7      the flag wins

Exit codes: 0 printed, 2 usage error or a configuration file with an unknown key or a
            value of the wrong type (with -f json, an error document with "ok": false).`;

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
        format === 'json' ? renderJson(configJson(settings, passphraseSet, ctx.io.env)) : renderConfigText(settings, passphraseSet, await styleFor(ctx), ctx.io.env),
      );
      ctx.setOutcome('success');
    });
}

/** Settings whose value is a SRC: shown as a source (a path, `-`, `env:NAME`), never as the certificate or key it may hold. */
const SRC_SETTINGS = new Set<SettingName>(['cert', 'key', 'ca']);

/** A setting's value as shown: a SRC through describeSrcValue. */
function shownValue(name: SettingName, value: string | number): string | number {
  if (name === 'endpoint' && typeof value === 'string') return redactUrlCredentials(value);
  return SRC_SETTINGS.has(name) && typeof value === 'string' ? describeSrcValue(value) : value;
}

/** For a SRC `env:NAME`: whether NAME is set (undefined for any other value). */
function envSourceSet(name: SettingName, value: string | number, env: NodeJS.ProcessEnv): boolean | undefined {
  if (!SRC_SETTINGS.has(name) || typeof value !== 'string' || !value.startsWith('env:')) return undefined;
  return (env[value.slice(4)] ?? '').trim() !== '';
}

export function configJson(settings: Settings, passphraseSet: boolean, env: NodeJS.ProcessEnv = {}) {
  const entries = NAMES.map((name) => {
    const setting = settings[name] as Setting<string | number> | undefined;
    if (!setting) return [name, null] as const;
    const value = { value: shownValue(name, setting.value), origin: setting.origin };
    if (name === 'passphraseEnv') return [name, { ...value, set: passphraseSet }] as const;
    const set = envSourceSet(name, setting.value, env);
    return [name, set === undefined ? value : { ...value, set }] as const;
  });
  const search = settings.configSearch;
  return {
    schemaVersion: 1,
    configFile: settings.configFile ?? null,
    // null: the file was named by --config.
    configSearch: search ? { from: search.from, stopAt: search.stopAt, stop: search.stop, skipped: search.skipped } : null,
    settings: Object.fromEntries(entries),
  };
}

export function renderConfigText(settings: Settings, passphraseSet: boolean, style: { dim(text: string): string }, env: NodeJS.ProcessEnv = {}): string {
  const rows: Array<[string, string, string]> = [['config file', settings.configFile ?? 'none found', configFileWhy(settings)]];
  for (const { file, reason } of settings.configSearch?.skipped ?? []) rows.push(['', `not used: ${file}`, reason]);
  for (const name of NAMES) {
    const setting = settings[name] as Setting<string | number> | undefined;
    if (!setting) {
      rows.push([name, '-', 'not set']);
      continue;
    }
    const set = name === 'passphraseEnv' ? passphraseSet : envSourceSet(name, setting.value, env);
    const note = set === undefined ? '' : `; ${set ? 'the variable is set' : 'the variable is not set'}`;
    rows.push([name, String(shownValue(name, setting.value)), `${setting.origin}${note}`]);
  }
  // Every cell is data from outside (file and directory names, values, origins): escaped once, before the widths are measured.
  for (const row of rows) for (let i = 0; i < row.length; i++) row[i] = escapeControlCharacters(row[i] as string);
  const nameWidth = Math.max(...rows.map(([n]) => n.length)) + 2;
  const settingRows = rows.filter(([name]) => NAMES.includes(name as SettingName));
  const valueWidth = Math.max(...settingRows.map(([, v]) => v.length)) + 2;
  return `${rows
    .map(([name, value, origin]) =>
      NAMES.includes(name as SettingName)
        ? `${name.padEnd(nameWidth)}${value.padEnd(valueWidth)}${style.dim(`(${origin})`)}`
        : `${name.padEnd(nameWidth)}${value}  ${style.dim(`(${origin})`)}`,
    )
    .join('\n')}\n`;
}

const STOP_WHY = {
  repository: 'the repository root: it holds .git',
  package: 'the package root: it holds package.json, and no .git is above it',
  home: 'your home directory',
  'working-directory': 'no repository, package or home directory holds it: the working directory alone',
} as const;

/** Why this configuration file applies (or none): named by --config, or how the search went. */
function configFileWhy(settings: Settings): string {
  const search = settings.configSearch;
  if (search === undefined) return 'named by --config';
  const bounds = search.stopAt === search.from ? `searched ${search.from} only, ${STOP_WHY[search.stop]}` : `searched from ${search.from} up to ${search.stopAt}, ${STOP_WHY[search.stop]}`;
  return settings.configFile === undefined ? bounds : `the first search place found; ${bounds}`;
}
