// Starts the OpenEMR simulator (test/openemr-sim/cli.ts) as a child process group and finds its URL
// from the line it prints when ready.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startGroup, type Started } from './processes';
import { outputDir, repoRoot } from './tools';

export interface SimulatorProcess extends Started {
  url: string;
}

const cli = path.join(repoRoot, 'test', 'openemr-sim', 'cli.ts');
const READY = /OpenEMR simulator listening on (http:\/\/\S+)/;

export function simulatorAvailable(): boolean {
  return existsSync(cli);
}

/**
 * Starts the simulator on `port` (0 = any free port) with extra CLI flags. Its output is copied to
 * `logFile` and, with `echo`, to this process's stdout (so `npm start` shows the logins).
 */
export function startSimulatorProcess(
  port: number,
  options: { flags?: string[]; logFile?: string; echo?: boolean; timeoutMs?: number } = {},
): Promise<SimulatorProcess> {
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  const started = startGroup(tsx, [cli, '--port', String(port), ...(options.flags ?? [])], {
    cwd: repoRoot,
    logFile: options.logFile,
  });
  const { child } = started;
  if (options.echo) child.stdout?.pipe(process.stdout);
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      void started.stop();
      reject(new Error(`OpenEMR simulator: ${why}${options.logFile ? ` (log: ${options.logFile})` : ''}`));
    };
    const timer = setTimeout(() => fail('no "listening" line in time'), options.timeoutMs ?? 60_000);
    const onEarlyExit = (code: number | null): void => {
      clearTimeout(timer);
      fail(`exited with ${code} before it was ready`);
    };
    child.once('exit', onEarlyExit);
    if (!child.stdout) throw new Error('simulator stdout is not piped');
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = READY.exec(line);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      resolve({ ...started, url: match[1].replace(/\/$/, '') });
    });
  });
}

/** Starts the simulator on a free port for a test run, or says why it cannot (it is being written). */
export async function startSimulatorForRun(label: string): Promise<SimulatorProcess | undefined> {
  if (!simulatorAvailable()) {
    console.log(`${label}: test/openemr-sim/cli.ts does not exist yet; running without the simulator`);
    return undefined;
  }
  const sim = await startSimulatorProcess(0, { logFile: path.join(outputDir('logs'), `${label}-simulator.log`) });
  console.log(`${label}: OpenEMR simulator at ${sim.url}`);
  return sim;
}
