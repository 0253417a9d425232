/**
 * Bundle benchmark: sizes of the minified dist/extension.js, the webview bundle and the packaged .vsix against
 * their goals, the number of files in the .vsix, and (from esbuild's metafile) which dependency weighs most.
 * 1 KB = 1024 bytes here.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { atMost, reported, type BenchContext, type Figure } from './figures';
import { packagedVsix, root, zipEntryCount } from './vsix';

const KB = 1024;

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** Bytes each npm package (or first-party folder) contributes to the output, heaviest first. */
export function weightByPackage(meta: Metafile, output: string): Array<[string, number]> {
  const out = meta.outputs[output];
  if (!out) throw new Error(`the metafile has no output ${output}`);
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? `(own code) ${input.split('/').slice(0, 2).join('/')}`;
    totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

function heaviestDependency(label: string, metafile: string, output: string): Figure {
  const meta = JSON.parse(readFileSync(path.join(root, 'dist', 'meta', metafile), 'utf8')) as Metafile;
  const weights = weightByPackage(meta, output);
  const deps = weights.filter(([name]) => !name.startsWith('(own code)'));
  const total = meta.outputs[output]!.bytes;
  const [name, bytes] = deps[0] ?? ['none', 0];
  const next = deps
    .slice(1, 4)
    .map(([n, b]) => `${n} ${(b / KB).toFixed(1)} KB`)
    .join(', ');
  return reported(`heaviest dependency in ${label}: ${name}`, Math.round((bytes / KB) * 10) / 10, 'KB', {
    note: `${((bytes / total) * 100).toFixed(0)}% of ${label}; next: ${next || 'none'}`,
  });
}

const kb = (file: string): number => Math.round((statSync(file).size / KB) * 10) / 10;

export async function run(_ctx: BenchContext): Promise<Figure[]> {
  const vsix = await packagedVsix();
  const figures = [
    atMost('dist/extension.js (minified)', kb(path.join(root, 'dist', 'extension.js')), 'KB', 250),
    atMost('webview bundle dist/webview/viewer.js', kb(path.join(root, 'dist', 'webview', 'viewer.js')), 'KB', 120),
    atMost('.vsix', kb(vsix), 'KB', 400),
    reported('files in the .vsix', zipEntryCount(vsix), 'files'),
    heaviestDependency('extension.js', 'extension.json', 'dist/extension.js'),
    heaviestDependency('viewer.js', 'webview.json', 'dist/webview/viewer.js'),
  ];
  for (const f of figures) console.log(`${f.name}: ${f.value} ${f.unit}${f.note ? ` (${f.note})` : ''}`);
  return figures;
}
