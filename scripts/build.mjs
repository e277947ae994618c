// Build: the CLI as a CommonJS bundle (dist/cli.cjs, required by bin/aitoss.cjs) with its
// rarely used parts as bundles of their own, and the library API as one ESM bundle
// (dist/index.js).
//
// The CLI is CommonJS because Node's ESM loader costs ~10 ms per start on Node 20 before
// any code runs (README, "Performance"). esbuild splits code only for ESM, so the parts a
// run may not need are bundles of their own in dist/chunks/, required on first use: the
// TLS probe (`ping`), ora (the spinner, on a terminal), js-yaml (a YAML configuration) and
// cosmiconfig (a JavaScript or TypeScript configuration).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });

const VERSION = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).version;

/**
 * ESM only: Node built-ins through require() instead of ESM imports. An ESM import of a
 * built-in builds a facade that reads every export, which loads modules nobody uses
 * (importing node:crypto pulls in webcrypto, streams, pbkdf2, ...): ~10 ms measured.
 */
const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'import-statement' || args.kind === 'dynamic-import'
        ? { path: args.path, namespace: 'builtin-require' }
        : { path: args.path, external: true },
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** The CLI's parts loaded with import(), each a bundle of its own in dist/chunks/. */
const LAZY_PARTS = {
  '../tls/index.js': { name: 'tls', entry: 'src/tls/index.ts' },
  // import('ora') in the CLI bundle becomes __toESM(require(part), 1): Node's interop, whose
  // `default` is the part's module.exports. So the part exports ora itself, as Node's
  // import() of the real package gives it (src/commands/ping.ts reads `default`).
  ora: { name: 'ora', contents: "module.exports = require('ora').default;" },
  'js-yaml': { name: 'yaml', entry: 'js-yaml' },
  cosmiconfig: { name: 'cosmiconfig', entry: 'cosmiconfig' },
};

/** esbuild options naming a part's entry: a file or package, or a few lines of source. */
function partEntry({ name, entry, contents }) {
  return contents === undefined
    ? { entryPoints: { [name]: entry }, outdir: 'dist/chunks' }
    : { stdin: { contents, resolveDir: root, sourcefile: `${name}-part.cjs`, loader: 'js' }, outfile: `dist/chunks/${name}.cjs` };
}

/** In the CLI bundle, import() of a lazy part becomes a require() of its own bundle. */
const lazyParts = {
  name: 'lazy-parts',
  setup(pluginBuild) {
    const specifiers = Object.keys(LAZY_PARTS).map((key) => key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    pluginBuild.onResolve({ filter: new RegExp(`^(${specifiers.join('|')})$`) }, (args) =>
      args.kind === 'dynamic-import' ? { path: `./chunks/${LAZY_PARTS[args.path].name}.cjs`, external: true } : undefined,
    );
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Less source to parse at every start (stack traces map back through the sourcemap).
  minify: true,
  legalComments: 'none',
  // cosmiconfig loads TypeScript configs with the user's own `typescript`, if any.
  external: ['typescript'],
  define: { __AITOSS_VERSION__: JSON.stringify(VERSION) },
  logLevel: 'warning',
};

// CommonJS; import() of a Node built-in becomes require() (import() from CommonJS would
// start the ESM loader), as does import() of a lazy part.
const cjs = { ...common, format: 'cjs', outExtension: { '.js': '.cjs' }, supported: { 'dynamic-import': false } };

await Promise.all([
  build({ ...cjs, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', plugins: [lazyParts] }),
  // cosmiconfig loads .mjs configuration files with a native import(): keep it.
  ...Object.values(LAZY_PARTS).map((part) => build({ ...cjs, ...partEntry(part), ...(part.name === 'cosmiconfig' ? { supported: {} } : {}) })),
  // The library, for `import { ... } from 'aitoss'`.
  build({
    ...common,
    format: 'esm',
    splitting: true,
    entryPoints: { index: 'src/index.ts' },
    outdir: 'dist',
    chunkNames: 'lib/[name]-[hash]',
    // Bundled CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __aitossCreateRequire } from 'node:module'; const require = __aitossCreateRequire(import.meta.url);",
    },
    plugins: [builtinsViaRequire],
  }),
]);

// ---- aitoss/agent (issue 13) -------------------------------------------------------------
// The server library, `aitoss/agent`: its own bundles, ESM (dist/agent.js) and CommonJS
// (dist/agent.cjs), sharing nothing with the CLI's bundles so an import loads only the
// core it uses (no commander, chalk, ora, configuration search). undici stays external:
// an optional peer, required on first use of `mtls.dispatcher`. The declarations come
// from src/agent/index.ts alone, which holds the whole public surface; the check below
// keeps it that way (a relative import there would break the shipped .d.ts).
{
  const agentCommon = { ...common, entryPoints: { agent: 'src/agent/index.ts' }, outdir: 'dist', external: ['undici'] };
  await Promise.all([
    build({
      ...agentCommon,
      format: 'esm',
      banner: { js: "import { createRequire as __aitossCreateRequire } from 'node:module'; const require = __aitossCreateRequire(import.meta.url);" },
      plugins: [builtinsViaRequire],
    }),
    build({
      ...agentCommon,
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      // dist/agent.cjs resolves the optional undici peer from its own location.
      define: { ...common.define, 'import.meta.url': '__aitossModuleUrl' },
      banner: { js: "var __aitossModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    }),
  ]);
  const ts = (await import('typescript')).default;
  const source = readFileSync(`${root}/src/agent/index.ts`, 'utf8');
  const { outputText, diagnostics } = ts.transpileDeclaration(source, {
    fileName: 'index.ts',
    compilerOptions: { isolatedDeclarations: true, declaration: true, strict: true, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
  });
  if (diagnostics?.length || /from '\.{1,2}\//.test(outputText)) {
    throw new Error(`build: src/agent/index.ts must declare its whole public surface itself (${diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ') || 'relative import in declarations'})`);
  }
  // undici is an optional peer: a consumer without it gets `any` for `dispatcher`, not an
  // error (declaration emit drops the source's own @ts-ignore, so it is put back here).
  const undiciImport = /^import type \{ Dispatcher \} from 'undici';$/m;
  if (!undiciImport.test(outputText)) throw new Error('build: the undici type import of src/agent/index.ts changed; update the build');
  const declarations = outputText.replace(undiciImport, '// @ts-ignore -- optional peer: without undici, `dispatcher` is typed any\n$&');
  writeFileSync(`${root}/dist/agent.d.ts`, declarations);
  writeFileSync(`${root}/dist/agent.d.cts`, declarations);
}
// ---- end aitoss/agent -------------------------------------------------------------------
