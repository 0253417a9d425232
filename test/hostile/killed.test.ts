// Killed windows: a process that runs the token session (refresh with rotation) or the request history is
// killed with SIGKILL at many moments; what it left behind must be usable. After a kill mid-refresh the
// next start is still signed in or is told to sign in again (never a silent broken state); after a kill
// mid-write the history file still parses.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createConnection,
  HttpClient,
  OpenEmrError,
  registerClient,
  type ClientCredentials,
  type Connection,
} from '../../src/core';
import { startSimulator, type RunningSimulator } from '../openemr-sim';
import { FileSecretStore } from './file-secret-store';

const KILLS = Number(process.env.OPENEMR_KILLS ?? 12);
const SCOPES = ['openid', 'offline_access', 'api:oemr', 'user/patient.read'];
const child = path.join(__dirname, 'killed-child.ts');

/** Starts the child, waits until it is running, lets it work for `workMs`, then kills it. */
async function killAfter(config: object, workMs: number): Promise<string> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, KILLED_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    proc.on('exit', () => reject(new Error(`the child ended by itself: ${out}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, workMs));
  proc.kill('SIGKILL');
  await exited;
  return out;
}

describe('killed windows', function () {
  this.timeout(180_000);
  let sim: RunningSimulator;
  let dir: string;
  let client: ClientCredentials;

  before(async () => {
    sim = await startSimulator({ port: 0, quiet: true, patients: 5, latency: 20 });
    dir = mkdtempSync(path.join(tmpdir(), 'openemr-killed-'));
    const http = new HttpClient({ baseUrl: sim.url });
    const registered = await registerClient(http, {
      applicationType: 'private',
      clientName: 'killed windows',
      redirectUris: ['http://127.0.0.1:8765/callback'],
      scopes: SCOPES,
    });
    http.dispose();
    sim.enableClient(registered.clientId);
    client = { clientId: registered.clientId, clientSecret: registered.clientSecret };
  });

  after(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`mid-refresh with rotation, ${KILLS} kills at different moments: signed in, or told to sign in again`, async () => {
    const secretsFile = path.join(dir, 'secrets.json');
    const connect = (): Connection =>
      createConnection({ server: { baseUrl: sim.url }, client, secrets: new FileSecretStore(secretsFile) });
    const signIn = async (): Promise<void> => {
      const conn = connect();
      await conn.session.signedIn(
        await conn.oauth.passwordGrant({ role: 'users', username: 'admin', password: 'pass', scopes: SCOPES }),
      );
      conn.dispose();
    };
    await signIn();
    const counts = { kills: 0, refreshesBeforeKill: 0, stillSignedIn: 0, askedToSignIn: 0, broken: 0 };
    const broken: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      // Spread the kills over the first refreshes: before, during and after the token request and the write.
      const out = await killAfter({ mode: 'refresh', baseUrl: sim.url, client, path: secretsFile }, 15 + ((i * 37) % 260));
      counts.kills++;
      counts.refreshesBeforeKill += out.split('\n').filter((l) => l === 'refreshed').length;
      // The restarted window: it loads what was stored and refreshes (what it does when the token is old).
      const conn = connect();
      try {
        assert.ok(await conn.session.load(), 'tokens are stored');
        await conn.session.refresh();
        const page = await conn.api.listPatients({}, { limit: 1 });
        assert.ok(page.items.length > 0);
        counts.stillSignedIn++;
      } catch (err) {
        if (
          err instanceof OpenEmrError &&
          err.kind === 'invalid-grant' &&
          !conn.session.current &&
          !(await conn.session.load(true))
        ) {
          counts.askedToSignIn++;
          await signIn();
        } else {
          counts.broken++;
          broken.push(err instanceof Error ? `${(err as OpenEmrError).kind ?? ''} ${err.message}` : String(err));
        }
      } finally {
        conn.dispose();
      }
    }
    console.log(
      `      killed during refresh: ${counts.kills} kills (${counts.refreshesBeforeKill} refreshes done before them), ` +
        `${counts.stillSignedIn} still signed in, ${counts.askedToSignIn} told to sign in again, ${counts.broken} broken`,
    );
    assert.deepEqual(broken, []);
    assert.equal(counts.stillSignedIn + counts.askedToSignIn, KILLS);
  });

  it(`mid-history-write, ${KILLS} kills: the history file always parses and keeps what was written`, async () => {
    const historyDir = path.join(dir, 'history');
    const file = path.join(historyDir, 'request-history.json');
    let previous = 0;
    for (let i = 0; i < KILLS; i++) {
      await killAfter({ mode: 'history', baseUrl: sim.url, client, path: historyDir }, 40 + ((i * 53) % 200));
      let entries = 0;
      // Writes are batched, so the first kills may come before the file exists; once written it must stay.
      const exists = readdirSync(historyDir).includes('request-history.json');
      assert.ok(exists || previous === 0, 'the history file is still there after a kill');
      if (exists) {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as { servers: Record<string, unknown[]> };
        entries = parsed.servers.killed?.length ?? 0;
      }
      assert.ok(entries >= previous, `the history kept its ${previous} entries (has ${entries})`);
      previous = entries;
    }
    const leftovers = readdirSync(historyDir).filter((f) => f.endsWith('.tmp')).length;
    console.log(
      `      killed during history writes: ${KILLS} kills, file parsed ${KILLS} times, ${previous} entries kept, ${leftovers} temporary files left`,
    );
    assert.ok(previous > 0, 'the history holds entries');
  });
});
