/**
 * JSON viewer benchmark: headless Chromium loads the viewer's webview bundle, vanilla-jsoneditor (tree mode)
 * and a plain <pre> on synthetic FHIR Bundles of 1, 10 and 50 MB. The viewer and vanilla-jsoneditor run in
 * interleaved repetitions (fresh pages each time) for the render ratio; the viewer's runs also give the search
 * times (to the first match shown, and to the last match counted), the JS heap and the long tasks while
 * scrolling. The <pre> runs once per size, for reference.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { atMost, exactly, measureRatio, median, reported, type BenchContext, type Figure } from './figures';
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
type Tool = 'viewer' | 'pre' | 'jsoneditor';
const searchQuery = 'Okafor';
const runTimeoutMs = 180_000;

interface Measurement {
  tool: Tool;
  sizeMb: number;
  renderMs?: number;
  /** Until the first match is shown. */
  searchFirstMs?: number;
  /** Until every match is counted. */
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
      const w = window as unknown as {
        benchSearch: ((q: string) => Promise<{ firstMs?: number; ms: number; result: string }>) | null;
      };
      return w.benchSearch ? w.benchSearch(query) : undefined;
    }, searchQuery);
    result.searchFirstMs = search?.firstMs;
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

const round = (n: number): number => Math.round(n * 10) / 10;

/** Every number of `field` over the runs (a run without it fails the benchmark). */
function values(runs: Measurement[], field: 'renderMs' | 'searchFirstMs' | 'searchMs' | 'heapMb' | 'longTasks'): number[] {
  return runs.map((r) => {
    const v = r[field];
    if (v === undefined) throw new Error(`${r.tool} on ${r.sizeMb} MB gave no ${field}${r.error ? `: ${r.error}` : ''}`);
    return v;
  });
}

const spreadOf = (xs: number[]): [number, number] => [round(Math.min(...xs)), round(Math.max(...xs))];

async function sizeFigures(ctx: BenchContext, browser: Browser, base: string, sizeMb: number): Promise<Figure[]> {
  const viewer: Measurement[] = [];
  const editor: Measurement[] = [];
  const once = async (tool: Tool, runs: Measurement[]): Promise<number> => {
    const m = await measure(browser, base, tool, sizeMb);
    runs.push(m);
    return values([m], 'renderMs')[0]!;
  };
  const render = await measureRatio(ctx, {
    name: `${sizeMb} MB: first interactive render, viewer vs vanilla-jsoneditor`,
    unit: 'ms',
    goal: sizeMb >= 50 ? 0.45 : 1,
    subject: () => once('viewer', viewer),
    baseline: () => once('jsoneditor', editor),
  });
  const pre = await measure(browser, base, 'pre', sizeMb);
  const first = values(viewer, 'searchFirstMs');
  const all = values(viewer, 'searchMs');
  const heap = values(viewer, 'heapMb');
  const editorHeap = values(editor, 'heapMb');
  const longTasks = values(viewer, 'longTasks');
  const maxLongTask = Math.max(...viewer.map((r) => r.maxLongTaskMs ?? 0));
  const renderGoalMs = sizeMb >= 50 ? 3000 : sizeMb >= 10 ? 1000 : undefined;
  const figures: Figure[] = [
    { ...render, value: round(render.value), baseline: round(render.baseline!) },
    ...(renderGoalMs ? [atMost(`${sizeMb} MB: viewer first interactive render`, round(render.value), 'ms', renderGoalMs)] : []),
    reported(`${sizeMb} MB: <pre> first render (one run)`, round(pre.renderMs ?? NaN), 'ms'),
    atMost(`${sizeMb} MB: search "${searchQuery}" until the first match is shown`, round(median(first)), 'ms', 300, {
      spread: spreadOf(first),
      repetitions: first.length,
    }),
    reported(`${sizeMb} MB: search until every match is counted`, round(median(all)), 'ms', {
      spread: spreadOf(all),
      repetitions: all.length,
      note: viewer[0]?.searchResult,
    }),
    reported(`${sizeMb} MB: JS heap after render, viewer vs vanilla-jsoneditor`, round(median(heap)), 'MB', {
      baseline: round(median(editorHeap)),
      ratio: Math.round((median(heap) / median(editorHeap)) * 100) / 100,
    }),
    exactly(
      `${sizeMb} MB: long tasks over 50 ms while scrolling, all viewer runs`,
      longTasks.reduce((a, b) => a + b, 0),
      'tasks',
      0,
      {
        note: `longest task ${maxLongTask} ms`,
      },
    ),
  ];
  for (const f of figures)
    console.log(`${f.name}: ${f.value} ${f.unit}${f.ratio !== undefined ? `, ratio ${f.ratio.toFixed(2)}` : ''}`);
  return figures;
}

export async function run(ctx: BenchContext): Promise<Figure[]> {
  // BENCH_VIEWER_SIZES=50 measures only the 50 MB Bundle (a full run takes long on a loaded machine).
  const sizes = ctx.smoke ? [0.2] : (process.env.BENCH_VIEWER_SIZES?.split(',').map(Number) ?? [1, 10, 50]);
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
  try {
    const figures: Figure[] = [];
    for (const size of sizes) figures.push(...(await sizeFigures(ctx, browser, base, size)));
    return figures;
  } finally {
    await browser.close();
    server.close();
  }
}
