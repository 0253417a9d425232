// Bundles the extension (Node, cjs) and the webviews (browser, iife).
//   node esbuild.mjs               development build with source maps
//   node esbuild.mjs --production  minified, no source maps (what the .vsix ships)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --tests       also bundles test/integration into dist-test/ for the VS Code host
//   node esbuild.mjs --metafile    also writes esbuild's metafiles to dist/meta/ (what each input weighs)
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const metafile = process.argv.includes('--metafile');

/**
 * node-fetch 2 falls back to the whatwg-url package only where Node has no URL class; every Node the editor
 * runs has one, and the package's Unicode tables would otherwise be most of the bundle.
 */
const nodeUrlInsteadOfWhatwgUrl = {
  name: 'node-url-instead-of-whatwg-url',
  setup(build) {
    build.onResolve({ filter: /^whatwg-url$/ }, () => ({ path: 'whatwg-url', namespace: 'node-url' }));
    build.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({ contents: "module.exports = { URL: require('url').URL };" }));
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

/** Every src/webview/<name>/main.ts becomes dist/webview/<name>.js. */
function webviewEntries() {
  const dir = 'src/webview';
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'main.ts')))
      .map((d) => [d.name, path.join(dir, d.name, 'main.ts')]),
  );
}

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [nodeUrlInsteadOfWhatwgUrl],
  },
  {
    ...common,
    entryPoints: webviewEntries(),
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'text' },
  },
];

if (tests) {
  const dir = 'test/integration';
  const entries = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
  builds.push({
    ...common,
    minify: false,
    sourcemap: 'inline',
    entryPoints: entries,
    outdir: 'dist-test/integration',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  });
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[esbuild] watching for changes');
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build({ ...b, metafile })));
  if (metafile) {
    mkdirSync('dist/meta', { recursive: true });
    const names = ['extension', 'webview', 'tests'];
    results.forEach((r, i) => writeFileSync(`dist/meta/${names[i]}.json`, JSON.stringify(r.metafile)));
  }
}
