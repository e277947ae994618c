// Build: one ESM bundle for the CLI (dist/cli.js) and one for the library API
// (dist/index.js). Code splitting keeps rarely used dependencies (ora, cosmiconfig,
// the TLS probe) in chunks that load only when a command needs them: startup time
// is paid on every run.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });

/**
 * Node built-ins through require() instead of ESM imports. An ESM import of a built-in
 * builds a facade that reads every export, which loads modules nobody uses (importing
 * node:crypto pulls in webcrypto, streams, pbkdf2, ...): ~10 ms of startup measured.
 * esbuild's CommonJS interop reads only the names used, when they are used.
 */
const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(pluginBuild) {
    // commander requires node:child_process at load time, for executable subcommands
    // aitoss does not have; child_process pulls in net, dgram and streams (~8 ms).
    // Give it a stand-in that loads the real module on first use.
    pluginBuild.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.kind === 'require-call' && /node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'lazy-builtin' }
        : undefined,
    );
    // chalk detects color support by loading node:tty and node:os at startup; aitoss
    // decides the level itself (src/render/style.ts) and passes it to new Chalk({ level }),
    // so chalk gets its environment-free variant of the detector.
    pluginBuild.onResolve({ filter: /^#supports-color$/ }, (args) => ({
      path: join(args.resolveDir, 'vendor', 'supports-color', 'browser.js'),
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, name) => (m ??= require(${JSON.stringify(args.path)}))[name] });`,
      loader: 'js',
    }));
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

const common = {
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Less source to parse at every start (stack traces map back through the sourcemap).
  minify: true,
  legalComments: 'none',
  // cosmiconfig loads TypeScript configs with the user's own `typescript`, if any.
  external: ['typescript'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __aitossCreateRequire } from 'node:module'; const require = __aitossCreateRequire(import.meta.url);",
  },
  define: { __AITOSS_VERSION__: JSON.stringify(JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).version) },
  plugins: [builtinsViaRequire],
  logLevel: 'warning',
};

// The CLI and the library are built apart: built together, every module both use would
// move into shared chunks, and each chunk is one more module for the CLI to load at start.
await Promise.all([
  build({ ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', chunkNames: 'chunks/[name]-[hash]' }),
  build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist', chunkNames: 'lib/[name]-[hash]' }),
]);
