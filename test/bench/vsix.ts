/** The production build and .vsix the bundle and activation benchmarks share (built once per run). */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const root = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

let packaged: Promise<string> | undefined;

/** Builds minified bundles with their metafiles (dist/meta/) and packages them; returns the .vsix path. */
export function packagedVsix(): Promise<string> {
  packaged ??= (async () => {
    await run(process.execPath, ['esbuild.mjs', '--production', '--metafile'], { cwd: root });
    const out = mkdtempSync(path.join(os.tmpdir(), 'openemr-bench-vsix-'));
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    await run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', path.join(out, 'openemr-api.vsix')], {
      cwd: root,
    });
    return path.join(out, 'openemr-api.vsix');
  })();
  return packaged;
}

/** Number of entries of a zip file, read from its end-of-central-directory record. */
export function zipEntryCount(file: string): number {
  const bytes = readFileSync(file);
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) return bytes.readUInt16LE(i + 10);
  }
  throw new Error(`${file} is not a zip file`);
}
