/**
 * Where the viewer's first render goes: `npx tsx test/bench/viewer/profile.ts [sizeMb] [runs]` loads the
 * viewer page (unminified, names kept) on a synthetic Bundle in headless Chromium, times a few renders and
 * prints the functions with the most self time in a CPU profile of the last one. Not part of `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { syntheticBundle } from './bundleGenerator';
import { viewerPage } from './pages';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

async function main(): Promise<void> {
  const sizeMb = Number(process.argv[2] ?? 50);
  const runs = Number(process.argv[3] ?? 5);
  const root = path.resolve(__dirname, '..', '..', '..');
  const js = (
    await esbuild.build({
      entryPoints: [path.join(root, 'src', 'webview', 'viewer', 'main.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: false,
      keepNames: true,
      logLevel: 'error',
    })
  ).outputFiles[0].text;
  const files = new Map<string, string | Buffer>([
    ['/viewer.html', viewerPage],
    ['/viewer.js', js],
    ['/viewer.css', readFileSync(path.join(root, 'media', 'viewer.css'))],
    ['/doc.json', Buffer.from(syntheticBundle(sizeMb * 1024 * 1024))],
  ]);
  const server = createServer((req, res) => {
    const body = files.get((req.url ?? '/').split('?')[0]);
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on('console', (m) => console.log('  page:', m.text()));
      await page.goto(`${base}/viewer.html`);
      await page.evaluate(() => (window as unknown as { benchLoad(n: string): Promise<number> }).benchLoad('doc.json'));
      const cdp = await context.newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      const last = i === runs - 1;
      const scrolling = Boolean(process.env.SCROLL);
      if (scrolling) {
        // as the benchmark does before it scrolls: render, then a full GC and the heap figure
        await cdp.send('HeapProfiler.collectGarbage');
        await page.evaluate(() => (window as unknown as { benchRender(): Promise<unknown> }).benchRender());
        await cdp.send('Performance.enable');
        await cdp.send('HeapProfiler.collectGarbage');
        await cdp.send('Performance.getMetrics');
      }
      if (last && process.env.TRACE) {
        await browser.startTracing(page, {
          categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'],
        });
      } else if (last) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await cdp.send('Profiler.start');
      }
      const r = scrolling
        ? await page.evaluate(async () => {
            // as the benchmark does: 60 frames of 1500 px, then the long tasks seen meanwhile
            const w = window as unknown as { benchScroller(): Element; benchLongTasks: number[] };
            const scroller = w.benchScroller();
            w.benchLongTasks.length = 0;
            const t0 = performance.now();
            for (let k = 0; k < 60; k++) {
              scroller.scrollTop += 1500;
              await new Promise((done) => requestAnimationFrame(done));
            }
            await new Promise((done) => setTimeout(done, 50));
            return { ms: performance.now() - t0, rows: w.benchLongTasks.filter((d) => d > 50).length };
          })
        : await page.evaluate(() =>
            (window as unknown as { benchRender(): Promise<{ ms: number; rows: number }> }).benchRender(),
          );
      times.push(r.ms);
      const measures = await page.evaluate(() =>
        performance.getEntriesByType('measure').map((m) => `${m.name.replace('viewer:', '')} ${m.duration.toFixed(1)}`),
      );
      console.log(`render ${i + 1}: ${r.ms.toFixed(1)} ms, ${r.rows} rows (${measures.join(', ')})`);
      if (last && process.env.TRACE) {
        const trace = JSON.parse((await browser.stopTracing()).toString()) as {
          traceEvents: Array<{
            name: string;
            ph: string;
            dur?: number;
            ts: number;
            tid: number;
            pid: number;
            args?: { name?: string };
          }>;
        };
        const main = trace.traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
        const events = trace.traceEvents.filter((e) => main && e.tid === main.tid && e.pid === main.pid && e.ph === 'X' && e.dur);
        const byName = new Map<string, number>();
        for (const e of events) byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
        for (const [name, ms] of [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30))
          console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
        const t0 = Math.min(...events.map((e) => e.ts));
        for (const e of events.filter((x) => (x.dur ?? 0) > 3000).sort((a, b) => a.ts - b.ts))
          console.log(`  @${((e.ts - t0) / 1000).toFixed(1)} ${e.name} ${((e.dur ?? 0) / 1000).toFixed(1)}`);
      } else if (last) {
        const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
          profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
        };
        const self = new Map<string, number>();
        const byId = new Map(profile.nodes.map((n) => [n.id, n]));
        profile.samples.forEach((id, k) => {
          const n = byId.get(id)!;
          const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
          self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000);
        });
        const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
        for (const [name, ms] of top) console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
      }
      await context.close();
    }
    times.sort((a, b) => a - b);
    console.log(`median ${times[Math.floor(times.length / 2)].toFixed(1)} ms of ${runs}`);
  } finally {
    await browser.close();
    server.close();
  }
}

void main();
