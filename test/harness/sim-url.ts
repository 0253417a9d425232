// The simulator's URL as the runners hand it to tests (in the extension host and in the e2e process).

/** Base URL of the OpenEMR simulator started for this run (no trailing slash). */
export function simUrl(): string {
  const url = process.env.OPENEMR_SIM_URL;
  if (!url) {
    throw new Error(
      'OPENEMR_SIM_URL is not set: the test runners start the simulator only when test/openemr-sim/cli.ts exists ' +
        '(run the suites with `npm run test:integration` or `npm run test:e2e`).',
    );
  }
  return url.replace(/\/$/, '');
}
