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

interface BenchModule {
  run: Benchmark;
  /** Set by benchmarks whose work happens in code-server and Chromium processes. */
  waitsForHost?: boolean;
}

async function load(file: string): Promise<BenchModule> {
  type Exports = Partial<BenchModule> & { default?: Partial<BenchModule> };
  const mod = (await import(pathToFileURL(path.join(__dirname, file)).href)) as Exports;
  const run = mod.run ?? mod.default?.run;
  if (typeof run !== 'function') throw new Error(`${file} does not export run()`);
  return { run, waitsForHost: mod.waitsForHost ?? mod.default?.waitsForHost };
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
  const runOne = async (file: string): Promise<BenchResult> => {
    const benchmark = file.replace(/\.bench\.ts$/, '');
    console.log(`\n=== ${benchmark}${smoke ? ' (smoke)' : ''}`);
    const t0 = performance.now();
    let result: BenchResult;
    try {
      result = { benchmark, seconds: 0, figures: await (await load(file)).run({ smoke }) };
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`${benchmark} failed: ${message}`);
      result = { benchmark, seconds: 0, figures: [], error: message.split('\n')[0] };
    }
    result.seconds = (performance.now() - t0) / 1000;
    console.log(`=== ${benchmark}: ${result.seconds.toFixed(1)} s`);
    return result;
  };
  const inTurn = async (list: string[]): Promise<BenchResult[]> => {
    const done: BenchResult[] = [];
    for (const file of list) done.push(await runOne(file));
    return done;
  };
  // A smoke run measures nothing, so the benchmarks that mostly wait for code-server and Chromium run beside
  // the others; a real run keeps every benchmark alone on the machine.
  const waiting = new Set<string>();
  for (const file of files) if ((await load(file)).waitsForHost) waiting.add(file);
  const results = smoke
    ? (await Promise.all([inTurn(files.filter((f) => waiting.has(f))), inTurn(files.filter((f) => !waiting.has(f)))])).flat()
    : await inTurn(files);
  results.sort((a, b) => a.benchmark.localeCompare(b.benchmark));

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
