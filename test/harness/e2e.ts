// `npm run test:e2e [-- --grep <pattern>]`
// Packages the .vsix, installs it into a fresh code-server extensions folder, starts the OpenEMR simulator,
// and runs test/e2e/*.test.ts with mocha in this process; test/e2e/fixture.ts starts code-server and
// Chromium once for all files and drives the UI with playwright-core.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type MochaType from 'mocha';
import * as mochaExports from 'mocha';
import { mochaHooks } from '../e2e/fixture';
import { freshDirs, installVsix } from './code-server';
import { runToEnd } from './processes';
import { startSimulatorForRun } from './simulator';
import { argOption, runSuite, type Summary } from './suite';
import { hostTools, outputDir, repoRoot } from './tools';

const Mocha = (mochaExports as unknown as { Mocha: typeof MochaType }).Mocha;
const MAX_VSIX_BYTES = 1024 * 1024;

/** Builds the production .vsix and returns its path; refuses one of 1 MB or more. */
async function packageVsix(): Promise<string> {
  await runToEnd('npm', ['run', '--silent', 'package'], { cwd: repoRoot });
  const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const vsix = path.join(repoRoot, 'dist-vsix', `openemr-api-${version}.vsix`);
  const bytes = statSync(vsix).size;
  console.log(`e2e: packaged ${path.relative(repoRoot, vsix)} (${(bytes / 1024).toFixed(0)} KiB)`);
  if (bytes >= MAX_VSIX_BYTES) throw new Error(`the .vsix is ${bytes} bytes: it must stay under 1 MB (check .vscodeignore)`);
  return vsix;
}

/** Installs the .vsix into a fresh extensions folder the fixture's code-server will use. */
async function installedExtensionsDir(vsix: string): Promise<string> {
  const extensions = mkdtempSync(path.join(os.tmpdir(), 'openemr-e2e-ext-'));
  const installDirs = freshDirs(extensions);
  try {
    await installVsix(await hostTools(), installDirs, vsix);
  } finally {
    rmSync(installDirs.root, { recursive: true, force: true });
  }
  return extensions;
}

function runMocha(): Promise<Summary> {
  const grep = argOption('--grep');
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 120_000, rootHooks: mochaHooks, ...(grep ? { grep } : {}) });
  const dir = path.join(repoRoot, 'test', 'e2e');
  // foundation.test.ts checks the empty state (the welcome view), so it runs before files that add servers.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort((a, b) => Number(b === 'foundation.test.ts') - Number(a === 'foundation.test.ts') || a.localeCompare(b));
  for (const file of files) mocha.addFile(path.join(dir, file));
  return mocha.loadFilesAsync().then(
    () =>
      new Promise((resolve) => {
        const runner = mocha.run((failures) => resolve({ passed: runner.stats?.passes ?? 0, failed: failures }));
      }),
  );
}

async function main(): Promise<Summary> {
  await hostTools();
  const extensions = await installedExtensionsDir(await packageVsix());
  process.env.OPENEMR_E2E_EXTENSIONS_DIR = extensions;
  const sim = await startSimulatorForRun('e2e');
  if (sim) process.env.OPENEMR_SIM_URL = sim.url;
  try {
    const summary = await runMocha();
    console.log(`e2e: screenshots in ${path.relative(repoRoot, outputDir('screenshots'))}/`);
    return summary;
  } finally {
    await sim?.stop();
    rmSync(extensions, { recursive: true, force: true });
  }
}

runSuite('e2e', main, Number(process.env.OPENEMR_TEST_TIMEOUT_MS ?? 20 * 60_000));
