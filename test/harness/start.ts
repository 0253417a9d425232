// `npm start`: builds the extension, starts the OpenEMR simulator (port 8300 when free) and a code-server
// that loads the extension from this checkout, with a server profile for the simulator seeded through
// OPENEMR_SEED_SERVER. Prints the URL to open; Ctrl-C stops everything.
// It is for people, so the workbench runs as for any user: no test driver (which hides notifications),
// the extension linked into code-server's extensions folder instead of the URL's development payload.
import path from 'node:path';
import { freshDirs, linkExtension, startCodeServer } from './code-server';
import { onInterrupt, preferredPort, runToEnd } from './processes';
import { simulatorAvailable, startSimulatorProcess, type SimulatorProcess } from './simulator';
import { hostTools, outputDir, repoRoot } from './tools';

const SIM_PORT = Number(process.env.OPENEMR_SIM_PORT ?? 8300);
const CODE_SERVER_PORT = Number(process.env.OPENEMR_CODE_SERVER_PORT ?? 8080);

async function main(): Promise<void> {
  const tools = await hostTools();
  await runToEnd(process.execPath, ['esbuild.mjs'], { cwd: repoRoot });

  let sim: SimulatorProcess | undefined;
  if (simulatorAvailable()) {
    sim = await startSimulatorProcess(await preferredPort(SIM_PORT), {
      echo: true,
      logFile: path.join(outputDir('logs'), 'start-simulator.log'),
    });
  } else {
    console.log('start: the OpenEMR simulator (test/openemr-sim/cli.ts) does not exist yet; starting VS Code without it');
  }

  // The extension's sign-in code adds a server profile for this URL at activation when none exists.
  const seed: Record<string, string> = sim ? { OPENEMR_SEED_SERVER: sim.url } : {};
  const dirs = freshDirs();
  linkExtension(dirs, repoRoot);
  // The extension host inherits code-server's environment, which carries the seed.
  const server = await startCodeServer(tools, { name: 'start', dirs, port: await preferredPort(CODE_SERVER_PORT), env: seed });
  const url = server.url();
  console.log('');
  console.log('VS Code with the OpenEMR API extension is ready. Open this URL in a browser:');
  console.log(`  ${url}`);
  if (sim) console.log(`OpenEMR simulator: ${sim.url} (user admin / pass)`);
  console.log(`code-server log: ${server.logFile}`);
  console.log('Press Ctrl-C to stop everything.');
  // Ctrl-C stops everything through the interrupt handlers of ./processes; if code-server dies alone, stop too.
  let interrupted = false;
  onInterrupt(async () => {
    interrupted = true;
  });
  server.child.once('exit', (code) => {
    if (interrupted) return;
    console.error(`start: code-server exited with ${code}`);
    void sim?.stop().then(() => process.exit(1));
  });
}

main().catch((error: unknown) => {
  console.error('start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
