// `npm run test:integration [-- --grep <pattern>] [-- --electron] [-- --faults-seconds N]`
// Builds the extension and the suite, starts the OpenEMR simulator and a fresh code-server, and runs
// test/integration/*.test.ts with mocha inside the real (Node) extension host, driven by headless Chromium.
// With --electron the same suite runs through @vscode/test-electron (downloads a desktop VS Code: online only).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from './browser';
import { startCodeServer } from './code-server';
import { runToEnd } from './processes';
import { startSimulatorForRun, type SimulatorProcess } from './simulator';
import { argOption, runSuite, type Summary } from './suite';
import { hostTools, outputDir, repoRoot } from './tools';

const TEST_LINE_PREFIX = '[test] ';
const timeoutMs = Number(process.env.OPENEMR_TEST_TIMEOUT_MS ?? 15 * 60_000);
const suiteEntry = path.join(repoRoot, 'dist-test', 'integration', 'index.js');
// One file per run: engineers may run suites side by side in the same checkout.
const resultFile = path.join(outputDir('integration'), `result-${process.pid}.json`);

/** Environment of the extension host under test. */
function hostEnvironment(sim: SimulatorProcess | undefined): Record<string, string> {
  const env: Record<string, string> = { OPENEMR_TEST_RESULT_FILE: resultFile, OPENEMR_TEST_OUTPUT: outputDir('integration') };
  if (sim) env.OPENEMR_SIM_URL = sim.url;
  const grep = argOption('--grep');
  if (grep) env.OPENEMR_TEST_GREP = grep;
  // The network-fault workload's duration (npm run test:faults runs the full 5 minutes).
  const faultSeconds = argOption('--faults-seconds');
  if (faultSeconds) env.OPENEMR_FAULTS_SECONDS = faultSeconds;
  return env;
}

/** Runs the suite in code-server; resolves to the workbench's exit code (0 = all passed). */
async function runInCodeServer(env: Record<string, string>): Promise<number> {
  const tools = await hostTools();
  const server = await startCodeServer(tools, { name: 'integration', testDriver: true });
  const browser = await launchChromium(tools.chromium);
  try {
    const page = await browser.newPage();
    const exited = new Promise<number>(
      (resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)),
    );
    page.on('console', (message) => {
      const text = message.text();
      const at = text.indexOf(TEST_LINE_PREFIX);
      if (at >= 0) console.log(text.slice(at + TEST_LINE_PREFIX.length));
      else if (process.env.VERBOSE) console.log(`  | ${text}`);
    });
    await page.goto(
      server.url([
        ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
        ['extensionTestsPath', server.remoteUri(suiteEntry)],
        // The secret audit scans the user-data folder of this instance.
        ['extensionEnvironment', JSON.stringify({ ...env, OPENEMR_TEST_USER_DATA: server.dirs.userData })],
      ]),
      // Two cores shared by several test runs can take longer than Playwright's 30 s default to load the workbench.
      { timeout: 180_000, waitUntil: 'domcontentloaded' },
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error(`integration: no result after ${timeoutMs / 1000} s (code-server log: ${server.logFile})`);
        resolve(124);
      }, timeoutMs);
    });
    const code = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (code !== 0) console.error(`integration: code-server log kept at ${server.logFile}`);
    return code;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

/** Runs the suite through @vscode/test-electron (needs internet to download VS Code). */
async function runInElectron(env: Record<string, string>): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  try {
    return await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteEntry,
      extensionTestsEnv: env,
      launchArgs: ['--disable-extensions', '--disable-workspace-trust', outputDir('integration', 'workspace')],
    });
  } catch (error) {
    console.error(
      `integration (electron): ${(error as Error).message} (this mode downloads VS Code: it needs internet; offline, run without --electron)`,
    );
    return 1;
  }
}

function takeSummary(): Summary | undefined {
  if (!existsSync(resultFile)) return undefined;
  const summary = JSON.parse(readFileSync(resultFile, 'utf8')) as Summary;
  rmSync(resultFile);
  return summary;
}

async function main(): Promise<Summary> {
  // A test file renamed or deleted must not keep running from an old bundle.
  rmSync(path.dirname(suiteEntry), { recursive: true, force: true });
  await runToEnd(process.execPath, ['esbuild.mjs', '--tests'], { cwd: repoRoot });
  const sim = await startSimulatorForRun('integration');
  try {
    const env = hostEnvironment(sim);
    const code = process.argv.includes('--electron') ? await runInElectron(env) : await runInCodeServer(env);
    const summary = takeSummary();
    if (!summary) console.error('integration: the extension host reported no result (the suite did not run to its end)');
    // A run that ended without counts, or with a non-zero exit and no counted failure, still counts as failed.
    const failed = Math.max(summary?.failed ?? 0, code !== 0 || !summary ? 1 : 0);
    return { passed: summary?.passed ?? 0, failed };
  } finally {
    await sim?.stop();
  }
}

runSuite('integration', main);
