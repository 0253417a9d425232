// A fresh code-server per run: its own port, user data, extensions and XDG/TMP folders, so runs never
// share state with each other or with the user's home.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { delay, freePort, onInterrupt, runToEnd, startGroup, type Started } from './processes';
import { outputDir, type HostTools } from './tools';

/** Settings that keep the workbench quiet and the screenshots clean. */
export const quietSettings: Record<string, unknown> = {
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
};

/** Throw-away folders of one code-server instance. */
export interface CodeServerDirs {
  root: string;
  userData: string;
  extensions: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  config: string;
}

/** Creates the folders; `extensions` may point elsewhere (e.g. where a .vsix was installed). */
export function freshDirs(extensions?: string): CodeServerDirs {
  const root = mkdtempSync(path.join(os.tmpdir(), 'openemr-cs-'));
  const sub = (name: string): string => {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const config = path.join(root, 'config.yaml');
  writeFileSync(config, 'cert: false\n');
  return {
    root,
    config,
    userData: sub('user-data'),
    extensions: extensions ?? sub('extensions'),
    workspace: sub('workspace'),
    // Without these code-server writes under ~/.config, ~/.local and /tmp.
    env: {
      ...process.env,
      XDG_CONFIG_HOME: sub('xdg-config'),
      XDG_DATA_HOME: sub('xdg-data'),
      XDG_CACHE_HOME: sub('xdg-cache'),
      TMPDIR: sub('tmp'),
    },
  };
}

function commonArgs(dirs: CodeServerDirs): string[] {
  return ['--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
}

/** Installs a packaged .vsix into `dirs.extensions`, offline. */
export async function installVsix(tools: HostTools, dirs: CodeServerDirs, vsix: string): Promise<void> {
  await runToEnd(tools.node24, [tools.codeServer, ...commonArgs(dirs), '--install-extension', vsix, '--force'], {
    env: dirs.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * Makes `dirs.extensions` load the extension straight from `folder` (a checkout with package.json and
 * dist/), the way an installed extension is loaded: an entry in the extensions folder's extensions.json
 * manifest. Unlike the URL payload's extensionDevelopmentPath this needs no test driver, so the workbench
 * behaves as for any user (notifications show). Rebuilding dist/ and reloading the window picks up changes.
 */
export function linkExtension(dirs: CodeServerDirs, folder: string): void {
  const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  const id = `${manifest.publisher}.${manifest.name}`;
  // The workbench finds an extension by its folder inside the extensions folder (relativeLocation): a link.
  const relativeLocation = `${id}-${manifest.version}`;
  symlinkSync(path.resolve(folder), path.join(dirs.extensions, relativeLocation), 'dir');
  const location = path.join(dirs.extensions, relativeLocation);
  const entry = {
    identifier: { id },
    version: manifest.version,
    location: { $mid: 1, fsPath: location, external: pathToFileURL(location).href, path: location, scheme: 'file' },
    relativeLocation,
    metadata: { installedTimestamp: Date.now(), source: 'vsix' },
  };
  writeFileSync(path.join(dirs.extensions, 'extensions.json'), JSON.stringify([entry]));
}

export interface CodeServerOptions {
  /** Names the log file: .test-output/logs/<name>-code-server.log */
  name: string;
  dirs?: CodeServerDirs;
  port?: number;
  settings?: Record<string, unknown>;
  /** Extra environment for the server and so for its extension hosts. */
  env?: Record<string, string>;
  /**
   * Makes the workbench honour the URL payload (extensionDevelopmentPath, extensionTestsPath,
   * extensionEnvironment) and report a test run's end through window.codeAutomationExit.
   */
  testDriver?: boolean;
}

export interface CodeServer extends Started {
  readonly port: number;
  readonly origin: string;
  readonly dirs: CodeServerDirs;
  readonly logFile: string;
  /** The workbench URL with the workspace folder open and an optional payload (e.g. extensionDevelopmentPath). */
  url(payload?: Array<[string, string]>): string;
  /** A path on this machine as a vscode-remote URI the workbench understands. */
  remoteUri(fsPath: string): string;
}

export async function startCodeServer(tools: HostTools, options: CodeServerOptions): Promise<CodeServer> {
  const dirs = options.dirs ?? freshDirs();
  const port = options.port ?? (await freePort());
  const settingsDir = path.join(dirs.userData, 'User');
  mkdirSync(settingsDir, { recursive: true });
  writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ ...quietSettings, ...options.settings }, null, 2));
  const logFile = path.join(outputDir('logs'), `${options.name}-code-server.log`);
  const args = [
    tools.codeServer,
    ...commonArgs(dirs),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // Extension hosts would otherwise wait 3 hours for a browser that is gone.
    '--reconnection-grace-time',
    '30',
    ...(options.testDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const started = startGroup(tools.node24, args, { env: { ...dirs.env, ...options.env }, logFile });
  const origin = `http://127.0.0.1:${port}`;
  const authority = `127.0.0.1:${port}`;
  const server: CodeServer = {
    ...started,
    port,
    origin,
    dirs,
    logFile,
    remoteUri: (fsPath) => `vscode-remote://${authority}${path.resolve(fsPath)}`,
    url: (payload) => {
      const query = new URLSearchParams({ folder: dirs.workspace });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${origin}/?${query.toString()}`;
    },
    async stop() {
      unregister();
      await started.stop();
      rmSync(dirs.root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  const unregister = onInterrupt(() => server.stop());
  try {
    await waitForHealth(origin, started, 60_000);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message} (log: ${logFile})`, { cause: error });
  }
  return server;
}

async function waitForHealth(origin: string, server: Started, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`code-server exited with ${server.child.exitCode}`);
    try {
      const response = await fetch(`${origin}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(200);
  }
  throw new Error(`code-server did not answer on ${origin} within ${timeoutMs / 1000} s`);
}

/** The ids of this code-server's extension host processes (they stay in the server's process group). */
export function extensionHostPids(server: CodeServer): number[] {
  const group = server.child.pid;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The fields after the command name (which may hold spaces): state, ppid, pgrp, ...
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp === group && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('--type=extensionHost'))
        pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Ends every extension host of this code-server with SIGKILL, as a crash or an out-of-memory kill would. */
export function killExtensionHosts(server: CodeServer): number[] {
  const pids = extensionHostPids(server);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids;
}
