// Entry the VS Code extension host loads as extensionTestsPath (bundled to dist-test/integration/index.js).
// It runs every *.test.js beside it with mocha and reports through the console, which the harness reads.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import type MochaType from 'mocha';
import * as mochaExports from 'mocha';
import { formatSummary } from '../harness/suite';

/** The extension host's console reaches only the browser console: the harness keeps lines with this prefix. */
export const TEST_LINE_PREFIX = '[test] ';

// mocha 12 is an ES module whose require() shape differs between Node versions; its `Mocha` export does not.
const Mocha = (mochaExports as unknown as { Mocha: typeof MochaType }).Mocha;

function report(...args: unknown[]): void {
  console.log(TEST_LINE_PREFIX + format(...args));
}

export function run(): Promise<void> {
  Mocha.reporters.Base.consoleLog = report;
  const grep = process.env.OPENEMR_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 60_000, ...(grep ? { grep } : {}) });
  // The secret audit runs last: it scans what every other test left behind too.
  const last = (f: string): number => Number(f.startsWith('secret-audit.'));
  for (const file of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort((a, b) => last(a) - last(b) || a.localeCompare(b))) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const summary = { passed: runner.stats?.passes ?? 0, failed: failures };
      // The runner outside prints the closing line; this one tells where the counts came from.
      report(`in the extension host: ${formatSummary(summary)}`);
      // The harness reads the counts from this file rather than trusting console forwarding.
      const resultFile = process.env.OPENEMR_TEST_RESULT_FILE;
      if (resultFile) writeFileSync(resultFile, JSON.stringify(summary));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
