// Killed windows, for real: the extension host of the workbench is killed (SIGKILL) in the middle of a refresh
// with a rotating refresh token, at several moments of it; then the window is reloaded, which starts a new
// extension host on the same user data. The user must still be signed in, or be told to sign in again and be
// able to: never a server row that says "signed in" while nothing loads.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { extensionHostPids, killExtensionHosts } from '../harness/code-server';
import { startSimulator, type RunningSimulator } from '../openemr-sim';
import { openActivity, page, reloadWindow, runCommand, treeRows, waitFor, workbenchServer } from './fixture';
import { startRefreshTap, type RefreshMoment, type RefreshTap } from './refresh-tap';
import {
  addServerAndSignIn,
  collapseServers,
  expandRow,
  removeServerThroughUi,
  serverTreeRow,
  pickIfAsked,
  signInWithPassword,
} from './servers';

const SERVER = 'Killed Host E2E';
const CLIENT = 'killed host e2e client';
const PATIENT_ROW = /\d{4}-\d{2}-\d{2} · (Male|Female)/;

/** The moments of a refresh at which the host is killed: the first two have only one right outcome. */
const KILLS: Array<{ moment: RefreshMoment; delayMs: number; expect?: Outcome }> = [
  // The server never saw the request: the stored refresh token is still the valid one.
  { moment: 'before the server', delayMs: 0, expect: 'still signed in' },
  // The server rotated the token, the answer never arrived: the stored one is dead, and the user must be told.
  { moment: 'after the server, before the answer', delayMs: 0, expect: 'told to sign in again' },
  // The answer arrived: killed while it is stored, or just after.
  { moment: 'after the answer', delayMs: 0 },
  { moment: 'after the answer', delayMs: 15 },
  { moment: 'after the answer', delayMs: 400, expect: 'still signed in' },
];

type Outcome = 'still signed in' | 'told to sign in again';

/**
 * Reads what the window tells the user about the server once the new host has restored the tree: its Patients
 * (which need a token, so a stale one is refreshed) or the request to sign in again.
 */
async function outcomeAfterRestart(): Promise<Outcome> {
  await openActivity('OpenEMR');
  await serverTreeRow(SERVER).waitFor({ timeout: 60_000 });
  await expandRow(SERVER);
  let outcome: Outcome | undefined;
  await waitFor(
    async () => {
      const server = await serverTreeRow(SERVER)
        .innerText()
        .catch(() => '');
      const rows = await treeRows();
      if (/signed in/.test(server) && rows.some((r) => PATIENT_ROW.test(r))) outcome = 'still signed in';
      else if (/signed out|error/.test(server) && rows.some((r) => /sign in/i.test(r))) outcome = 'told to sign in again';
      else {
        const patients = serverTreeRow(/^Patients/);
        if ((await patients.getAttribute('aria-expanded').catch(() => null)) === 'false') await patients.click();
      }
      return outcome !== undefined;
    },
    60_000,
    'the window to show patients, or to say that the user must sign in again',
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}; the tree shows: ${JSON.stringify(await treeRows())}`);
  });
  return outcome as Outcome;
}

/**
 * What follows a crash of the extension host: VS Code starts a new one by itself, and after three crashes
 * within five minutes offers a Restart button instead.
 */
async function hostRestarted(killed: number[]): Promise<'by itself' | 'with its Restart button'> {
  const restartedAlone = await waitFor(
    async () => extensionHostPids(workbenchServer()).some((pid) => !killed.includes(pid)),
    10_000,
  ).catch(() => false);
  if (restartedAlone) return 'by itself';
  const restart = page()
    .locator('.notifications-toasts .monaco-button', { hasText: /Restart/ })
    .first();
  await restart.click({ timeout: 30_000 });
  await waitFor(async () => extensionHostPids(workbenchServer()).length > 0, 30_000, 'a new extension host');
  return 'with its Restart button';
}

async function showPatients(): Promise<void> {
  await openActivity('OpenEMR');
  await collapseServers();
  await expandRow(SERVER);
  await expandRow('Patients');
  await waitFor(async () => (await serverTreeRow(PATIENT_ROW).count()) > 0, 30_000, 'the first page of patients');
}

/** The request history file in the window's global storage, once written. */
function historyFile(): string | undefined {
  const entries = readdirSync(workbenchServer().dirs.userData, { recursive: true, encoding: 'utf8' });
  const found = entries.find((f) => f.endsWith(`${path.sep}request-history.json`));
  return found && path.join(workbenchServer().dirs.userData, found);
}

/** Parses the history file (a parse error fails the test) and counts its entries over all servers. */
function historyEntries(): number {
  const file = historyFile();
  if (!file) return 0;
  const history = JSON.parse(readFileSync(file, 'utf8')) as { servers: Record<string, unknown[]> };
  return Object.values(history.servers).reduce((n, list) => n + list.length, 0);
}

describe('killed extension host (UI)', function () {
  this.timeout(900_000);
  let tap: RefreshTap;
  let sim: RunningSimulator;

  before(async () => {
    tap = await startRefreshTap();
    sim = await startSimulator({ port: 0, quiet: true, patients: 5, publicUrl: tap.url });
    tap.upstream = `http://127.0.0.1:${sim.port}`;
  });

  after(async () => {
    await removeServerThroughUi(SERVER).catch(() => undefined);
    await tap?.close();
    await sim?.close();
  });

  it(`killed mid-refresh with rotation at ${KILLS.length} moments: still signed in, or told to sign in again`, async () => {
    await addServerAndSignIn(SERVER, CLIENT, 'Read only', tap.url);
    await showPatients();
    const seen: string[] = [];
    for (const kill of KILLS) {
      // The next request is answered 401, and the extension refreshes (the rotation revokes the old token).
      sim.expireTokens();
      let killed: number[] | undefined;
      tap.onNextRefresh(kill.moment, kill.delayMs, () => {
        killed = killExtensionHosts(workbenchServer());
      });
      const refreshesBefore = tap.refreshes.seen;
      await runCommand('OpenEMR: Refresh');
      killed = await waitFor(() => killed, 60_000, 'the refresh to reach the server');
      assert.ok(killed.length > 0, 'an extension host was running and was killed');
      assert.equal(tap.refreshes.seen, refreshesBefore + 1, 'one refresh request');

      const restart = await hostRestarted(killed);
      const outcome = await outcomeAfterRestart();
      seen.push(`${kill.moment}${kill.delayMs ? ` +${kill.delayMs} ms` : ''}: ${outcome} (host restarted ${restart})`);
      if (kill.expect) assert.equal(outcome, kill.expect, `killed ${kill.moment} (+${kill.delayMs} ms)`);
      // A window loaded afresh from what was stored tells the same.
      await reloadWindow();
      assert.equal(await outcomeAfterRestart(), outcome, 'the reloaded window agrees');
      if (outcome === 'told to sign in again') await signInWithPassword(SERVER);
      // Whatever happened, the window works again: the patients load with the token it holds now.
      await runCommand('OpenEMR: Refresh');
      await showPatients();
    }
    console.log(`      killed the extension host ${KILLS.length} times mid-refresh:\n        ${seen.join('\n        ')}`);
  });

  it('killed while the request history is written: the file still parses and keeps its entries', async () => {
    await runCommand('View: Close All Editors');
    await runCommand('OpenEMR: New Request File');
    await pickIfAsked(SERVER);
    const sendAll = page().locator('.contentWidgets .codelens-decoration a', { hasText: 'Send All' }).first();
    // The answers come within milliseconds; the history is written 250 ms after them: kill before, around, after.
    const delays = [60, 200, 280, 350, 500];
    let kept = 0;
    for (const delayMs of delays) {
      await sendAll.waitFor({ timeout: 60_000 });
      await sendAll.click();
      await page().waitForTimeout(delayMs);
      await hostRestarted(killExtensionHosts(workbenchServer()));
      const entries = historyEntries();
      assert.ok(entries >= kept, `the history kept its ${kept} entries (has ${entries})`);
      kept = entries;
    }
    // The restarted window goes on writing to the same file.
    await sendAll.waitFor({ timeout: 60_000 });
    await sendAll.click();
    await waitFor(async () => historyEntries() > kept, 30_000, 'the next answers in the history file');
    const leftovers = readdirSync(path.dirname(historyFile() ?? '.')).filter((f) => f.endsWith('.tmp'));
    console.log(
      `      killed the extension host ${delays.length} times around history writes: the file parsed each time, ` +
        `${kept} entries kept, then ${historyEntries()}; ${leftovers.length} temporary files left`,
    );
  });
});
