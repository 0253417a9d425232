/**
 * JSON viewer benchmark: headless Chromium loads the viewer's webview bundle, a plain <pre> and
 * vanilla-jsoneditor (tree mode) side by side on synthetic FHIR Bundles of 1, 10 and 50 MB, and prints
 * time to first interactive render, search time, JS heap, long tasks while scrolling, and ratios.
 *   npx tsx test/bench/viewer.bench.ts [--sizes 1,10,50]
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { syntheticBundle } from './viewer/bundleGenerator';
import { jsonEditorPage, prePage, viewerPage } from './viewer/pages';

const root = path.resolve(__dirname, '..', '..');
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const tools = { viewer: viewerPage, pre: prePage, jsoneditor: jsonEditorPage } as const;
type Tool = keyof typeof tools;
const searchQuery = 'Okafor';
const runTimeoutMs = 180_000;
/** Each tool runs this many times per size in fresh pages; the report shows the median run. */
const repeats = 3;

interface Measurement {
  tool: Tool;
  sizeMb: number;
  renderMs?: number;
  searchMs?: number;
  searchResult?: string;
  heapMb?: number;
  /** After the search, which walks (and so fully parses) the whole document. */
  heapAfterSearchMb?: number;
  longTasks?: number;
  maxLongTaskMs?: number;
  error?: string;
}

async function bundle(entry: { path?: string; contents?: string }): Promise<string> {
  const result = await esbuild.build({
    ...(entry.path
      ? { entryPoints: [entry.path] }
      : { stdin: { contents: entry.contents ?? '', resolveDir: root, loader: 'ts' } }),
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'error',
  });
  return result.outputFiles[0].text;
}

async function serve(files: Map<string, { type: string; body: string | Buffer }>): Promise<Server> {
  const server = createServer((req, res) => {
    const file = files.get((req.url ?? '/').split('?')[0]);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type });
    res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Scrolls 60 frames down the tool's scroller and reports the long tasks seen meanwhile. */
async function scrollLongTasks(page: Page): Promise<{ count: number; max: number }> {
  return page.evaluate(async () => {
    const w = window as unknown as { benchScroller(): Element | null; benchLongTasks: number[]; nextPaint(): Promise<void> };
    const scroller = w.benchScroller();
    w.benchLongTasks.length = 0;
    if (!scroller) return { count: -1, max: 0 };
    for (let i = 0; i < 60; i++) {
      scroller.scrollTop += 1500;
      await new Promise((r) => requestAnimationFrame(r));
    }
    await w.nextPaint();
    const tasks = w.benchLongTasks.filter((d) => d > 50);
    return { count: tasks.length, max: Math.round(Math.max(0, ...w.benchLongTasks)) };
  });
}

async function measure(browser: Browser, base: string, tool: Tool, sizeMb: number): Promise<Measurement> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(runTimeoutMs);
  const result: Measurement = { tool, sizeMb };
  try {
    await page.goto(`${base}/${tool}.html`);
    await page.evaluate(
      (name) => (window as unknown as { benchLoad(n: string): Promise<number> }).benchLoad(name),
      `doc-${sizeMb}.json`,
    );
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const rendered = await page.evaluate(() => (window as unknown as { benchRender(): Promise<{ ms: number }> }).benchRender());
    result.renderMs = rendered.ms;
    await cdp.send('Performance.enable');
    const heapMb = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const metrics = (await cdp.send('Performance.getMetrics')).metrics;
      return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / (1024 * 1024);
    };
    result.heapMb = await heapMb();
    const scroll = await scrollLongTasks(page);
    result.longTasks = scroll.count;
    result.maxLongTaskMs = scroll.max;
    const search = await page.evaluate(async (query) => {
      const w = window as unknown as { benchSearch: ((q: string) => Promise<{ ms: number; result: string }>) | null };
      return w.benchSearch ? w.benchSearch(query) : undefined;
    }, searchQuery);
    result.searchMs = search?.ms;
    result.searchResult = search?.result;
    result.heapAfterSearchMb = await heapMb();
  } catch (error) {
    result.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
  } finally {
    await context.close();
  }
  return result;
}

/** The run with the median first-render time (failed runs sort last). */
function median(runs: Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => (a.renderMs ?? Infinity) - (b.renderMs ?? Infinity));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined ? 'n/a' : n.toFixed(digits));

function report(results: Measurement[], sizes: number[]): void {
  console.log(
    '\nsize   tool         first render  search        heap  heap after search  long tasks >50ms while scrolling (max)',
  );
  for (const r of results) {
    const line = [
      `${String(r.sizeMb).padStart(2)} MB`,
      r.tool.padEnd(12),
      `${fmt(r.renderMs)} ms`.padStart(12),
      `${fmt(r.searchMs)} ms`.padStart(12),
      `${fmt(r.heapMb, 1)} MB`.padStart(9),
      `${fmt(r.heapAfterSearchMb, 1)} MB`.padStart(17),
      r.longTasks === undefined ? 'n/a' : `${r.longTasks} (${r.maxLongTaskMs} ms)`,
      r.error ? `ERROR ${r.error}` : (r.searchResult ?? ''),
    ];
    console.log(`${line.join('  ')}`);
  }
  console.log('\nratios (viewer / baseline, lower is better) and goals');
  for (const size of sizes) {
    const get = (tool: Tool): Measurement | undefined => results.find((r) => r.tool === tool && r.sizeMb === size);
    const viewer = get('viewer');
    const editor = get('jsoneditor');
    const pre = get('pre');
    const ratio = (a?: number, b?: number): string => (a && b ? (a / b).toFixed(2) : 'n/a');
    const goalMs = size >= 50 ? 3000 : size >= 10 ? 1000 : undefined;
    const checks = [
      goalMs ? `${viewer?.renderMs !== undefined && viewer.renderMs < goalMs ? 'PASS' : 'FAIL'} under ${goalMs} ms` : '',
      `${viewer?.renderMs !== undefined && (editor?.renderMs === undefined || viewer.renderMs < editor.renderMs) ? 'PASS' : 'FAIL'} faster than vanilla-jsoneditor`,
      `${viewer?.longTasks === 0 ? 'PASS' : 'FAIL'} no long task while scrolling`,
    ].filter(Boolean);
    console.log(
      `${String(size).padStart(2)} MB: render vs jsoneditor ${ratio(viewer?.renderMs, editor?.renderMs)}, vs <pre> ${ratio(viewer?.renderMs, pre?.renderMs)}; ` +
        `heap vs jsoneditor ${ratio(viewer?.heapMb, editor?.heapMb)}, vs <pre> ${ratio(viewer?.heapMb, pre?.heapMb)}; ${checks.join('; ')}`,
    );
  }
}

export async function run(sizes: number[] = [1, 10, 50]): Promise<void> {
  const started = Date.now();
  const files = new Map<string, { type: string; body: string | Buffer }>([
    ['/viewer.html', { type: 'text/html', body: viewerPage }],
    ['/pre.html', { type: 'text/html', body: prePage }],
    ['/jsoneditor.html', { type: 'text/html', body: jsonEditorPage }],
    ['/viewer.css', { type: 'text/css', body: readFileSync(path.join(root, 'media', 'viewer.css')) }],
    [
      '/viewer.js',
      { type: 'text/javascript', body: await bundle({ path: path.join(root, 'src', 'webview', 'viewer', 'main.ts') }) },
    ],
    [
      '/jsoneditor.js',
      {
        type: 'text/javascript',
        body: await bundle({
          contents:
            "import { createJSONEditor } from 'vanilla-jsoneditor'; (window as unknown as Record<string, unknown>).createJSONEditor = createJSONEditor;",
        }),
      },
    ],
  ]);
  for (const size of sizes)
    files.set(`/doc-${size}.json`, { type: 'application/json', body: Buffer.from(syntheticBundle(size * 1024 * 1024)) });
  const server = await serve(files);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
  });
  const results: Measurement[] = [];
  try {
    for (const size of sizes) {
      const runs = new Map<Tool, Measurement[]>();
      for (let i = 0; i < repeats; i++) {
        for (const tool of Object.keys(tools) as Tool[])
          runs.set(tool, [...(runs.get(tool) ?? []), await measure(browser, base, tool, size)]);
      }
      for (const [tool, measured] of runs) {
        const m = median(measured);
        console.log(
          `  measured ${tool} on ${size} MB: ${measured.map((r) => fmt(r.renderMs)).join(', ')} ms${m.error ? ` (error: ${m.error})` : ''}`,
        );
        results.push(m);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  report(results, sizes);
  console.log(
    `\nviewer benchmark took ${((Date.now() - started) / 1000).toFixed(0)} s (Chromium ${'headless'}, search query "${searchQuery}")`,
  );
}

if (require.main === module) {
  const flag = process.argv.indexOf('--sizes');
  const sizes = flag > 0 ? process.argv[flag + 1].split(',').map(Number) : undefined;
  run(sizes).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
