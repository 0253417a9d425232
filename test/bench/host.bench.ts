/**
 * Host benchmark: openemr.sendRequest inside the real extension host (code-server), against raw node-fetch with
 * the same token in the same host, interleaved (test/bench/host/entry.ts does the timing in the host). The
 * extension is the minified production build; the simulator runs in its own process.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { launchChromium } from '../harness/browser';
import { startCodeServer } from '../harness/code-server';
import { startSimulatorProcess } from '../harness/simulator';
import { hostTools } from '../harness/tools';
import type { BenchContext, Figure } from './figures';
import { packagedVsix, root } from './vsix';

const TIMEOUT_MS = 15 * 60_000;

/** The work happens in code-server and Chromium: a smoke run lets the other benchmarks run meanwhile. */
export const waitsForHost = true;

export async function run(ctx: BenchContext): Promise<Figure[]> {
  await packagedVsix(); // builds dist/ (production) as shipped
  const out = mkdtempSync(path.join(os.tmpdir(), 'openemr-bench-host-'));
  const entry = path.join(out, 'host.js');
  const resultFile = path.join(out, 'figures.json');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'host', 'entry.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'error',
  });
  const tools = await hostTools();
  const sim = await startSimulatorProcess(0, { flags: ['--patients', ctx.smoke ? '100' : '1000', '--quiet'] });
  try {
    const server = await startCodeServer(tools, { name: 'bench-host', testDriver: true });
    const browser = await launchChromium(tools.chromium);
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(TIMEOUT_MS);
      const exited = new Promise<number>(
        (resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)),
      );
      page.on('console', (message) => {
        if (process.env.VERBOSE) console.log(`  | ${message.text()}`);
      });
      const env = {
        OPENEMR_SIM_URL: sim.url,
        OPENEMR_BENCH_RESULT_FILE: resultFile,
        OPENEMR_BENCH_SMOKE: ctx.smoke ? '1' : '0',
        // BENCH_HOST_PROFILE=dir writes CPU profiles of the extension host (command path, raw path) there.
        ...(process.env.BENCH_HOST_PROFILE ? { OPENEMR_BENCH_PROFILE: path.resolve(process.env.BENCH_HOST_PROFILE) } : {}),
      };
      await page.goto(
        server.url([
          ['extensionDevelopmentPath', server.remoteUri(root)],
          ['extensionTestsPath', server.remoteUri(entry)],
          ['extensionEnvironment', JSON.stringify(env)],
        ]),
      );
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise<number>((r) => (timer = setTimeout(() => r(124), TIMEOUT_MS)))]);
      clearTimeout(timer);
      if (code !== 0 || !existsSync(resultFile))
        throw new Error(`the host run ended with ${code} and no figures (VERBOSE=1 shows its console; log: ${server.logFile})`);
      const figures = JSON.parse(readFileSync(resultFile, 'utf8')) as Figure[];
      for (const f of figures)
        console.log(`${f.name}: ${f.value.toFixed(0)} ms vs ${f.baseline?.toFixed(0)} ms, ratio ${f.ratio?.toFixed(3)}`);
      return figures;
    } finally {
      await browser.close().catch(() => undefined);
      await server.stop();
    }
  } finally {
    await sim.stop();
    rmSync(out, { recursive: true, force: true });
  }
}
