// Child processes of the test harness: each starts in its own process group so that stopping it also
// stops everything it spawned (code-server's extension hosts outlive a closed browser otherwise).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

export interface Started {
  readonly child: ChildProcess;
  /** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

const cleanups = new Set<() => Promise<void>>();

/** Registers work to finish before the harness exits on Ctrl-C or a signal; returns its unregistration. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

// Last line of defence: whatever way the harness ends, no process group survives it.
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    const all = Promise.allSettled([...cleanups].map((cleanup) => cleanup()));
    void Promise.race([all, delay(10_000)]).then(() => process.exit(130));
  });
}

/** Starts a detached process group; its stdout and stderr go to `logFile` unless `stdio` says otherwise. */
export function startGroup(command: string, args: string[], options: SpawnOptions & { logFile?: string } = {}): Started {
  const { logFile, ...spawnOptions } = options;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions, detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (logFile) {
    const log = createWriteStream(logFile);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  const stop = async (): Promise<void> => {
    unregister();
    // The group may outlive its leader (forked extension hosts), so signal it even after the leader exited.
    killGroup(child, 'SIGTERM');
    if (!hasExited(child)) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await Promise.race([exited, delay(5000)]);
    }
    killGroup(child, 'SIGKILL');
    running.delete(child);
  };
  const unregister = onInterrupt(stop);
  return { child, stop };
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
export function runToEnd(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${signal ?? code}`)),
    );
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The port itself if it is free, otherwise a free one. */
export async function preferredPort(port: number): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  return free ? port : freePort();
}
