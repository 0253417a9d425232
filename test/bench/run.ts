/**
 * Runs every benchmark in this folder (files named *.bench.ts exporting `run()`), one after the other,
 * so their figures are printed in one place. `npm run bench -- viewer` runs only the matching ones.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface BenchModule {
  run(): Promise<void>;
}

async function main(): Promise<void> {
  const filter = process.argv.slice(2);
  const dir = __dirname;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filter.length === 0 || filter.some((word) => f.includes(word)))
    .sort();
  if (files.length === 0) throw new Error(`no benchmark matches ${filter.join(', ')}`);
  for (const file of files) {
    console.log(`\n=== ${file}`);
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as Partial<BenchModule> & {
      default?: Partial<BenchModule>;
    };
    const run = mod.run ?? mod.default?.run;
    if (typeof run !== 'function') throw new Error(`${file} does not export run()`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
