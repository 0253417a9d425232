// How every test runner of the project starts and ends: options, and the closing line `N passed, N failed`.
export interface Summary {
  passed: number;
  failed: number;
}

export function formatSummary({ passed, failed }: Summary): string {
  return `${passed} passed, ${failed} failed`;
}

/** The value after `--name` on the command line (e.g. `--grep viewer`). */
export function argOption(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/**
 * Runs a test suite's main function, prints its closing line and exits: 0 when nothing failed.
 * An error, or no result within `hardTimeoutMs`, counts as one failure.
 */
export function runSuite(label: string, main: () => Promise<Summary>, hardTimeoutMs?: number): void {
  const fail = (why: string, code: number): void => {
    console.error(`${label}: ${why}`);
    console.log(formatSummary({ passed: 0, failed: 1 }));
    process.exit(code);
  };
  if (hardTimeoutMs) setTimeout(() => fail(`time-out after ${hardTimeoutMs / 1000} s`, 124), hardTimeoutMs).unref();
  main().then(
    (summary) => {
      console.log(formatSummary(summary));
      process.exit(summary.failed > 0 ? 1 : 0);
    },
    (error: unknown) => fail(error instanceof Error ? error.message : String(error), 1),
  );
}
