// Build: the CLI as CommonJS bundles (dist/cli.cjs, loaded by bin/aitoss.cjs with a
// compile cache) and the library API as one ESM bundle (dist/index.js).
//
// Startup time is paid on every run, so the CLI is CommonJS: Node's ESM loader costs
// ~10 ms per start on Node 20 before any code runs (README, "Performance"). esbuild
// splits code only for ESM, so the rarely used parts are bundles of their own, required
// on first use: the TLS probe (`ping`), ora (the spinner, on a terminal) and cosmiconfig
// (only when a configuration file exists).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });

const VERSION = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).version;

/** Trims to dependencies' startup work that aitoss does not need. */
const dependencyTrims = {
  name: 'dependency-trims',
  setup(pluginBuild) {
    // commander requires node:child_process at load time, for executable subcommands
    // aitoss does not have; child_process pulls in net, dgram and streams (~8 ms).
    // Give it a stand-in that loads the real module on first use.
    pluginBuild.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.kind === 'require-call' && /node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'lazy-builtin' }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, name) => (m ??= require(${JSON.stringify(args.path)}))[name] });`,
      loader: 'js',
    }));
    // chalk detects color support by loading node:tty and node:os at startup; aitoss
    // decides the level itself (src/render/style.ts) and passes it to new Chalk({ level }),
    // so chalk gets its environment-free variant of the detector.
    pluginBuild.onResolve({ filter: /^#supports-color$/ }, (args) => ({
      path: join(args.resolveDir, 'vendor', 'supports-color', 'browser.js'),
    }));
  },
};

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

/**
 * The CLI's parts loaded with import(), each a bundle of its own in dist/chunks/,
 * required on first use: the TLS probe (`ping`), ora (the spinner, on a terminal),
 * js-yaml (a YAML configuration file) and cosmiconfig (a JavaScript or TypeScript one). `cached`: the bin loads the part
 * with a code cache (it carries a build id); cosmiconfig is required as usual, as it
 * loads .mjs configuration files with a native import().
 */
const LAZY_PARTS = {
  '../tls/index.js': { name: 'tls', entry: 'src/tls/index.ts', cached: true },
  // import('ora') in the CLI bundle becomes __toESM(require(part), 1): Node's interop, whose
  // `default` is the part's module.exports. So the part exports ora itself, as Node's
  // import() of the real package gives it (src/commands/ping.ts reads `default`).
  ora: { name: 'ora', contents: "module.exports = require('ora').default;", cached: true },
  // YAML configuration files (.aitossrc.yaml, .yml, .aitossrc): js-yaml alone, not cosmiconfig.
  'js-yaml': { name: 'yaml', entry: 'js-yaml', cached: true },
  cosmiconfig: { name: 'cosmiconfig', entry: 'cosmiconfig', cached: false },
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

const cjs = {
  ...common,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  plugins: [dependencyTrims],
};

/** Stands in the first line of a code-cached bundle until the build writes its hash. */
const BUILD_ID_PLACEHOLDER = '0'.repeat(16);
/** The bin's loader reads the bundles; the format of their first and last lines is its own. */
const { BUNDLE_HEAD } = createRequire(import.meta.url)('../bin/aitoss.cjs');
/** What closes the wrapper BUNDLE_HEAD opens: esbuild writes the footer before the source map comment. */
const BUNDLE_END = /\n\}\)\n(\/\/# sourceMappingURL=\S+\n)?$/;

/**
 * Build a bundle for the bin's code cache: it opens with the build id (a hash of the
 * bundle), which keys the cache (a rebuild gets a new one), and carries its own
 * CommonJS wrapper (bin/aitoss.cjs, BUNDLE_HEAD). The head stays on the first line, so
 * the source map's lines are unchanged.
 */
async function buildCached(options) {
  const banner = BUNDLE_HEAD(BUILD_ID_PLACEHOLDER).replace(/\n$/, '');
  const { outputFiles } = await build({ ...options, banner: { js: banner }, footer: { js: '})' }, write: false });
  for (const file of outputFiles) {
    let text = file.text;
    if (file.path.endsWith('.cjs')) {
      const id = createHash('sha256').update(text).digest('hex').slice(0, BUILD_ID_PLACEHOLDER.length);
      text = text.replace(banner, BUNDLE_HEAD(id).replace(/\n$/, ''));
      if (!text.startsWith(BUNDLE_HEAD(id)) || !BUNDLE_END.test(text)) {
        throw new Error(`build: ${file.path} does not have the head and tail bin/aitoss.cjs expects`);
      }
    }
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, text);
  }
}

await Promise.all([
  // The CLI. Node built-ins imported with import() become require() (import() from
  // CommonJS would start the ESM loader, ~10 ms), as do the lazy parts.
  buildCached({
    ...cjs,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    supported: { 'dynamic-import': false },
    plugins: [dependencyTrims, lazyParts],
  }),
  ...Object.values(LAZY_PARTS).map((part) =>
    part.cached
      ? buildCached({ ...cjs, ...partEntry(part), supported: { 'dynamic-import': false } })
      : build({ ...cjs, ...partEntry(part) }),
  ),
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
    plugins: [dependencyTrims, builtinsViaRequire],
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
