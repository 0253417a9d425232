/**
 * `npm run bench [-- NAME...] [--smoke]`: runs the benchmarks of this folder (files named NAME.bench.ts that
 * export `run(ctx)`), prints one table of every figure (value, baseline, ratio with its spread, goal, met) and
 * writes test/bench/results.json with the machine, the date and the commit.
 * `--smoke` runs each benchmark once at tiny sizes and checks that it produced well-formed figures; it never
 * judges the goals (a slow machine must not fail the tests) and writes .test-output/bench-smoke/results.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { figureProblems, type Benchmark, type Figure } from './figures';
import { formatTable } from './table';

const root = path.resolve(__dirname, '..', '..');

interface BenchResult {
  benchmark: string;
  seconds: number;
  figures: Figure[];
  error?: string;
}

function quiet(file: string, args: string[]): string | undefined {
  try {
    return execFileSync(file, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function machine(): Record<string, unknown> {
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    chromium: quiet(chromium, ['--version']),
  };
}

function commit(): { commit?: string; dirty: boolean } {
  return {
    commit: quiet('git', ['rev-parse', 'HEAD']),
    dirty: Boolean(quiet('git', ['status', '--porcelain', '--untracked-files=no'])),
  };
}

async function load(file: string): Promise<Benchmark> {
  const mod = (await import(pathToFileURL(path.join(__dirname, file)).href)) as {
    run?: Benchmark;
    default?: { run?: Benchmark };
  };
  const run = mod.run ?? mod.default?.run;
  if (typeof run !== 'function') throw new Error(`${file} does not export run()`);
  return run;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const smoke = args.includes('--smoke');
  const names = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => names.length === 0 || names.some((n) => f.startsWith(n) || f === `${n}.bench.ts`))
    .sort();
  if (files.length === 0) throw new Error(`no benchmark matches ${names.join(', ')} (see test/bench/*.bench.ts)`);
  const date = new Date().toISOString();
  const results: BenchResult[] = [];
  for (const file of files) {
    const benchmark = file.replace(/\.bench\.ts$/, '');
    console.log(`\n=== ${benchmark}${smoke ? ' (smoke)' : ''}`);
    const t0 = performance.now();
    try {
      const figures = await (await load(file))({ smoke });
      results.push({ benchmark, seconds: (performance.now() - t0) / 1000, figures });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`${benchmark} failed: ${message}`);
      results.push({ benchmark, seconds: (performance.now() - t0) / 1000, figures: [], error: message.split('\n')[0] });
    }
    console.log(`=== ${benchmark}: ${results.at(-1)!.seconds.toFixed(1)} s`);
  }

  const figures = results.flatMap((r) => r.figures.map((f) => ({ benchmark: r.benchmark, ...f })));
  const out = smoke ? path.join(root, '.test-output', 'bench-smoke', 'results.json') : path.join(__dirname, 'results.json');
  mkdirSync(path.dirname(out), { recursive: true });
  const document = {
    machine: machine(),
    date,
    ...commit(),
    smoke,
    benchmarks: results.map(({ benchmark, seconds, error }) => ({ name: benchmark, seconds: Math.round(seconds), error })),
    figures,
  };
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);

  console.log(`\n${formatTable(figures)}`);
  console.log(`\nwritten to ${path.relative(root, out)}`);
  const problems = results.flatMap((r) => [
    ...(r.error ? [`${r.benchmark} failed: ${r.error}`] : []),
    ...(r.figures.length === 0 && !r.error ? [`${r.benchmark} produced no figure`] : []),
    ...r.figures.flatMap(figureProblems),
  ]);
  if (smoke) {
    const written = (JSON.parse(readFileSync(out, 'utf8')) as { figures: unknown[] }).figures.length;
    if (written !== figures.length) problems.push(`results file holds ${written} figures, expected ${figures.length}`);
    console.log(`bench smoke: ${files.length} benchmarks, ${figures.length} figures, ${problems.length} problems`);
  } else {
    const unmet = figures.filter((f) => !f.met).length;
    console.log(`${figures.length} figures, ${figures.length - unmet} goals met, ${unmet} not met`);
  }
  for (const p of problems) console.error(`problem: ${p}`);
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
