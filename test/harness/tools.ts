// Locates (and on first use installs) what the VS Code host tests need: Node 24, code-server, Chromium.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export interface HostTools {
  /** Node 24 binary that runs code-server. */
  node24: string;
  /** code-server's out/node/entry.js. */
  codeServer: string;
  chromium: string;
}

/** The repository root (this file lives in test/harness/). */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** Git-ignored folder for logs, screenshots and throw-away state of test runs. */
export function outputDir(...parts: string[]): string {
  const dir = path.join(repoRoot, '.test-output', ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

let provisioned: Promise<HostTools> | undefined;

/** Runs test/harness/provision.sh once per process (seconds when cached) and returns the tool paths. */
export function hostTools(): Promise<HostTools> {
  provisioned ??= provision();
  return provisioned;
}

async function provision(): Promise<HostTools> {
  const script = path.join(repoRoot, 'test', 'harness', 'provision.sh');
  const child = promisify(execFile)('bash', [script], { maxBuffer: 1 << 20 });
  // Progress messages of a first install go to stderr: let the user see them.
  child.child.stderr?.pipe(process.stderr);
  const { stdout } = await child.catch((error: { stderr?: string }) => {
    // The script's own closing line says what failed and how to retry; repeat just that, not its whole output.
    const closing = (error.stderr ?? '')
      .trim()
      .split('\n')
      .at(-1)
      ?.replace(/^\[provision\] /, '');
    throw new Error(closing || 'provisioning failed; retry with: bash test/harness/provision.sh');
  });
  const values = new Map(
    stdout
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  const get = (key: string): string => {
    const value = values.get(key);
    if (!value) throw new Error(`provision.sh did not print ${key}=...`);
    return value;
  };
  return { node24: get('NODE24'), codeServer: get('CODE_SERVER'), chromium: get('CHROMIUM') };
}
