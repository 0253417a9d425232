/**
 * Activation in the real extension host: the packaged .vsix installed into a fresh code-server, driven by
 * headless Chromium.
 * 1. A first window opens with no OpenEMR view: after it settles, the extension must not have been activated.
 * 2. Then, in that window and in fresh window loads after it (each one a new extension host), the OpenEMR view
 *    is opened and the time of activate() is read from the extension's log line "activated in N ms".
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { freshDirs, installVsix, startCodeServer, type CodeServer } from '../harness/code-server';
import { hostTools } from '../harness/tools';
import { atMost, exactly, median, reported, type BenchContext, type Figure } from './figures';
import { packagedVsix } from './vsix';

const EXTENSION_ID = 'openemr-tools.openemr-api';
const LOAD_TIMEOUT_MS = 180_000;
const ACTIVATED = /OpenEMR API \S+ activated in ([\d.]+) ms(?: \(CPU ([\d.]+) ms\))?/;

interface Activation {
  ms: number;
  cpuMs?: number;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? files(file) : [file];
  });
}

/** activate() times from the extension's log of every extension host so far, oldest first. */
function activationTimes(server: CodeServer): Activation[] {
  return files(path.join(server.dirs.userData, 'logs'))
    .filter((f) => f.includes(`${path.sep}${EXTENSION_ID}${path.sep}`))
    .sort()
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .map((line) => ACTIVATED.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ ms: Number(m[1]), cpuMs: m[2] === undefined ? undefined : Number(m[2]) }));
}

/** Extension-host log lines that say the extension was activated (whatever the trigger). */
function activationRecords(server: CodeServer): string[] {
  return files(path.join(server.dirs.userData, 'logs'))
    .filter((f) => f.endsWith('exthost.log'))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((line) => line.includes(`_doActivateExtension ${EXTENSION_ID}`));
}

async function until(probe: () => boolean, page: Page, what: string): Promise<void> {
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(250);
  }
}

/** Opens a fresh window; resolves once the workbench shows its activity bar. */
async function openWindow(browser: Browser, server: CodeServer): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(LOAD_TIMEOUT_MS);
  await page.goto(server.url());
  await page.locator('.activitybar [aria-label^="OpenEMR"]').first().waitFor();
  return page;
}

/** Shows the OpenEMR view (unless the window restored it) and waits for one more activation line. */
async function openView(page: Page, server: CodeServer, before: number): Promise<Activation> {
  const shown = page.locator('.part.sidebar .composite.title', { hasText: 'OpenEMR' });
  if (!(await shown.isVisible().catch(() => false))) await page.locator('.activitybar [aria-label^="OpenEMR"]').first().click();
  await until(() => activationTimes(server).length > before, page, 'the activation line in the OpenEMR log');
  return activationTimes(server).at(-1)!;
}

/** The work happens in code-server and Chromium: a smoke run lets the other benchmarks run meanwhile. */
export const waitsForHost = true;

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const loads = ctx.smoke ? 1 : 10;
  const settleMs = ctx.smoke ? 2_000 : 8_000;
  const tools = await hostTools();
  const extensions = mkdtempSync(path.join(os.tmpdir(), 'openemr-bench-ext-'));
  const installDirs = freshDirs(extensions);
  try {
    await installVsix(tools, installDirs, await packagedVsix());
  } finally {
    rmSync(installDirs.root, { recursive: true, force: true });
  }
  const server = await startCodeServer(tools, { name: 'bench-activation', dirs: freshDirs(extensions) });
  const browser = await launchChromium(tools.chromium);
  try {
    // A fresh profile opens on the file explorer: nothing should wake the extension up.
    let page = await openWindow(browser, server);
    await page.waitForTimeout(settleMs);
    const atStartup = activationRecords(server).length + activationTimes(server).length;
    const activations: Activation[] = [];
    for (let i = 0; i < loads; i++) {
      if (i > 0) {
        await page.close();
        page = await openWindow(browser, server);
      }
      const activation = await openView(page, server, activations.length);
      activations.push(activation);
      console.log(`window load ${i + 1}: activate() took ${activation.ms} ms (CPU ${activation.cpuMs ?? '?'} ms)`);
    }
    await page.close();
    const times = activations.map((a) => a.ms);
    const cpu = activations.map((a) => a.cpuMs ?? NaN);
    return [
      exactly('activations at start-up with no OpenEMR view open', atStartup, 'activations', 0, {
        note: `the window was watched for ${settleMs / 1000} s after the workbench appeared`,
      }),
      atMost(`activate() in the extension host, median of ${loads} fresh window loads`, median(times), 'ms', 15, {
        spread: [Math.min(...times), Math.max(...times)],
        repetitions: times.length,
      }),
      reported(`activate() CPU time, median of ${loads} fresh window loads`, median(cpu), 'ms', {
        spread: [Math.min(...cpu), Math.max(...cpu)],
        repetitions: cpu.length,
        note: 'process CPU time during activate(): less sensitive to other work on the machine than the wall time',
      }),
    ];
  } finally {
    await browser.close();
    await server.stop();
    rmSync(extensions, { recursive: true, force: true });
  }
}
