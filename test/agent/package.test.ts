/**
 * `aitoss/agent` as a partner's server gets it: `npm pack`, installed from the tarball
 * into an empty project (offline: nothing to fetch), then `require` and `import` in real
 * Node processes that present the certificate to a loopback mTLS server, without loading
 * any of the CLI's parts; and TypeScript consumers (ESM and CommonJS) type-checked
 * against the shipped declarations, with and without undici installed.
 * `--ignore-scripts`: global-setup built dist/ already.
 * One pack and one install serve every case; the type checks run in this process through
 * TypeScript's API (no tsc process per check), which also lets them share parsed files.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentPki, startMtlsServer, type MtlsServer, type Pair, type AgentPki } from './helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project = '';
let pki: AgentPki;
let server: MtlsServer;
let pair: Pair;

beforeAll(async () => {
  const packDir = mkdtempSync(join(tmpdir(), 'agent-pack-'));
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed[0]!.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['dist/agent.js', 'dist/agent.cjs', 'dist/agent.d.ts', 'dist/agent.d.cts']));
  project = mkdtempSync(join(tmpdir(), 'agent-consumer-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(packDir, packed[0]!.filename)], { cwd: project, stdio: 'ignore' });
  pki = await createAgentPki();
  server = await startMtlsServer(pki);
  pair = await pki.client();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

/**
 * Run a script in the consumer project with the pair in TOSS_MTLS_CERT / TOSS_MTLS_KEY.
 * Asynchronously: the server it talks to runs in this process.
 */
async function run(file: string, source: string) {
  writeFileSync(join(project, file), source);
  const env = { PATH: process.env.PATH, TOSS_MTLS_CERT: pair.cert.replace(/\n/g, '\\n'), TOSS_MTLS_KEY: pair.key, SERVER_URL: server.url, SERVER_CA: pki.serverCa };
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [file], { cwd: project, encoding: 'utf8', timeout: 30_000, env });
  expect(stderr).toBe('');
  return JSON.parse(stdout) as { serial: string; exports: string[]; cli: string[]; builtins: string[] };
}

/** What the script reports: the serial the server saw, the exports, and what got loaded. */
const REPORT = `
  const body = await new Promise((resolve, reject) => {
    require('node:https').get(process.env.SERVER_URL, { agent: mtls.agent }, (res) => {
      let text = ''; res.on('data', (c) => (text += c)); res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  await mtls.close();
  const loaded = [...Object.keys(require.cache), ...process.moduleLoadList];
  console.log(JSON.stringify({
    serial: body,
    exports: Object.keys(api).sort(),
    cli: loaded.filter((m) => /commander|chalk|ora|js-yaml|cosmiconfig|dist[\\\\/](cli|index)|chunks/.test(m)),
    builtins: process.moduleLoadList.filter((m) => /NativeModule (child_process|readline|tty|repl)$/.test(m)),
  }));
`;

describe('the packed aitoss/agent', () => {
  it('works with require() and loads none of the CLI', async () => {
    const out = await run(
      'consumer.cjs',
      `const api = require('aitoss/agent');
       (async () => {
         const mtls = await api.createMtlsAgent({ cert: 'env:TOSS_MTLS_CERT', key: 'env:TOSS_MTLS_KEY', ca: process.env.SERVER_CA });
         ${REPORT}
       })().catch((e) => { console.error(e); process.exit(1); });`,
    );
    expect(out).toEqual({ serial: pair.serial, exports: ['MtlsAgentError', 'createMtlsAgent'], cli: [], builtins: [] });
  }, 60_000);

  it('works with import and loads none of the CLI', async () => {
    const out = await run(
      'consumer.mjs',
      `import * as api from 'aitoss/agent';
       import { createRequire } from 'node:module';
       const require = createRequire(import.meta.url);
       const mtls = await api.createMtlsAgent({ cert: 'env:TOSS_MTLS_CERT', key: 'env:TOSS_MTLS_KEY', ca: process.env.SERVER_CA });
       ${REPORT}`,
    );
    expect(out).toEqual({ serial: pair.serial, exports: ['MtlsAgentError', 'createMtlsAgent'], cli: [], builtins: [] });
  }, 60_000);

  it('says undici is missing only when the dispatcher is used, with a typed error', () => {
    writeFileSync(
      join(project, 'no-undici.cjs'),
      `const { createMtlsAgent } = require('aitoss/agent');
       createMtlsAgent({ cert: 'env:TOSS_MTLS_CERT', key: 'env:TOSS_MTLS_KEY' }).then(async (mtls) => {
         try { mtls.dispatcher; console.log('no error'); } catch (e) { console.log(e.name, e.code, e.message); }
         await mtls.close();
       });`,
    );
    const result = spawnSync(process.execPath, ['no-undici.cjs'], { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH, TOSS_MTLS_CERT: pair.cert, TOSS_MTLS_KEY: pair.key } });
    expect(result.stdout.trim()).toBe('MtlsAgentError undici-missing mtls.dispatcher needs undici: npm install undici (mtls.agent works without it)');
  }, 60_000);

  it('type-checks ESM and CommonJS TypeScript consumers against the shipped declarations, with and without undici', () => {
    const types = join(project, 'node_modules', '@types');
    mkdirSync(types, { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(types, 'node'));
    symlinkSync(join(ROOT, 'node_modules', 'undici-types'), join(project, 'node_modules', 'undici-types'));
    writeFileSync(
      join(project, 'server.mts'),
      `import { createMtlsAgent, MtlsAgentError, type MtlsAgentOptions, type MtlsStatus } from 'aitoss/agent';
       import https from 'node:https';
       const options: MtlsAgentOptions = { cert: 'env:TOSS_MTLS_CERT', key: 'env:TOSS_MTLS_KEY', watch: true, servername: 'apps-in-toss-api.toss.im' };
       const mtls = await createMtlsAgent(options);
       https.get('https://apps-in-toss-api.toss.im/', { agent: mtls.agent });
       const status: MtlsStatus = mtls.status();
       const days: number = status.daysRemaining;
       mtls.on('expiring', (e) => console.log(e.level, e.thresholdDays, e.certificate.notAfter, days));
       mtls.on('rotated', (e) => console.log(e.previous.serialNumber, e.current.serialNumber));
       mtls.on('rejected', (e) => console.log(e.code, e.message));
       const text: string = mtls.metrics();
       try { await mtls.reload(); } catch (e) { if (e instanceof MtlsAgentError) console.log(e.code satisfies string, text); }
       await mtls.close();`,
    );
    writeFileSync(
      join(project, 'nest.cts'),
      `import { createMtlsAgent, type MtlsAgent } from 'aitoss/agent';
       export async function provide(): Promise<MtlsAgent> {
         return createMtlsAgent({ dir: '/etc/aitoss', watch: true });
       }`,
    );
    const check = typeChecker(project);
    expect(check(['server.mts', 'nest.cts'])).toBe('');

    // With undici installed, `dispatcher` is undici's Dispatcher: its fetch takes it as is.
    symlinkSync(join(ROOT, 'node_modules', 'undici'), join(project, 'node_modules', 'undici'));
    writeFileSync(
      join(project, 'fetch.mts'),
      `import { createMtlsAgent } from 'aitoss/agent';
       import { fetch } from 'undici';
       const mtls = await createMtlsAgent({ cert: 'env:TOSS_MTLS_CERT', key: 'env:TOSS_MTLS_KEY' });
       const response = await fetch('https://apps-in-toss-api.toss.im/', { dispatcher: mtls.dispatcher, method: 'POST', body: '{}' });
       console.log(response.status);
       // @ts-expect-error -- a dispatcher is not a number: the type is real, not any
       const wrong: number = mtls.dispatcher;
       console.log(wrong);`,
    );
    expect(check(['server.mts', 'nest.cts', 'fetch.mts'])).toBe('');
    rmSync(join(project, 'node_modules', 'undici'));
  }, 240_000);
});

/**
 * `tsc --noEmit` with strict nodenext settings, through TypeScript's API: the diagnostics of
 * the consumer's files and of the shipped declarations (`skipLibCheck: false` for them), as
 * tsc prints them. The declarations of Node and undici are not ours to check: checking them
 * whole was most of the cost (~5 s a run). Parsed files are shared between the checks.
 */
function typeChecker(dir: string) {
  const options: ts.CompilerOptions = {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: false,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const parsed = new Map<string, ts.SourceFile | undefined>();
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, ...rest) => {
    if (!parsed.has(fileName)) parsed.set(fileName, read(fileName, ...rest));
    return parsed.get(fileName);
  };
  return (files: string[]): string => {
    const program = ts.createProgram(files.map((f) => join(dir, f)), options, host);
    const ours = program.getSourceFiles().filter((f) => !f.fileName.includes('/node_modules/') || f.fileName.includes('/node_modules/aitoss/'));
    // The shipped declarations must be among them, or this would check nothing of the package.
    expect(ours.map((f) => f.fileName.slice(dir.length + 1))).toEqual(expect.arrayContaining(['node_modules/aitoss/dist/agent.d.ts', 'node_modules/aitoss/dist/agent.d.cts']));
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ];
    return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' });
  };
}
