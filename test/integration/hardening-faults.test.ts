// The network-fault workload: a simulator of its own answers 20 % of requests with a 500 and delays every
// answer by 300 ms while a scripted user browses, pages, opens, sends and refreshes. It must end with no
// unhandled error, every failed tree load shown as one error row with Retry, and the tree equal to the
// server's data after a final refresh. OPENEMR_FAULTS_SECONDS sets the duration (60 s in `npm test`,
// 300 s in `npm run test:faults`).
import * as assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../openemr-sim';
import { activateExtension, closeAllEditors, executeCommand } from './helpers';
import { HARDENING_SCOPES, loadGroup, report, rows, signedInServer, type Row } from './hardening-support';

const SECONDS = Number(process.env.OPENEMR_FAULTS_SECONDS ?? 60);
const FAIL_RATE = 0.2;
const LATENCY_MS = 300;

interface Counts {
  actions: number;
  browse: number;
  page: number;
  open: number;
  send: number;
  refresh: number;
  /** Answers or loads that failed (the simulator's injected 500s, and what followed from them). */
  failures: number;
  /** Failed tree loads shown as exactly one error row with Retry. */
  shownWithRetry: number;
  unhandled: number;
  problems: string[];
}

/** The uuid of a patient row (the tree's node keeps the record it shows). */
function uuidOf(row: Row): string | undefined {
  return (row.node as { row?: { uuid?: string } }).row?.uuid;
}

/** Every row of the Patients group, with all pages loaded through Load more. */
async function allPatients(serverId: string): Promise<Row[]> {
  let loaded = await loadGroup(serverId, ['Patients']);
  for (
    let more = loaded.find((r) => r.item.contextValue === 'loadMore');
    more;
    more = loaded.find((r) => r.item.contextValue === 'loadMore')
  ) {
    await executeCommand('openemr.explorer.loadMore', more.node);
    loaded = await rows(more.node.parent);
  }
  return loaded;
}

/** A small seeded generator, so a run can be repeated. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('network faults (simulator at --fail-rate 0.2 --latency 300)', function () {
  this.timeout((SECONDS + 240) * 1000);
  let sim: RunningSimulator;
  let serverId: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  before(async () => {
    await activateExtension();
    process.on('unhandledRejection', onUnhandled);
    sim = await startSimulator({ port: 0, quiet: true, patients: 120, seed: 3, latency: LATENCY_MS });
    // Setting up (registration, enabling, sign-in) is not the workload: faults start after it.
    serverId = await signedInServer('Faulty', sim.url, HARDENING_SCOPES);
    sim.options.failRate = FAIL_RATE;
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await closeAllEditors();
    if (serverId) await executeCommand('openemr.removeServer', { serverId });
    await sim?.close();
  });

  /** One error row with Retry, or rows without error: anything else is a problem. */
  function checkRows(loaded: Row[], counts: Counts, what: string): boolean {
    const errors = loaded.filter((r) => r.item.contextValue === 'error');
    if (errors.length === 0) return true;
    counts.failures++;
    const retry = errors[0]!.item.command?.command === 'openemr.explorer.retry' && errors[0]!.item.description === 'Retry';
    if (errors.length === 1 && retry) counts.shownWithRetry++;
    else counts.problems.push(`${what}: ${errors.length} error rows, Retry ${retry ? 'offered' : 'missing'}`);
    return false;
  }

  it(`runs ${SECONDS} s of browse, page, open, send and refresh with 0 unhandled errors and a consistent tree`, async () => {
    const counts: Counts = {
      actions: 0,
      browse: 0,
      page: 0,
      open: 0,
      send: 0,
      refresh: 0,
      failures: 0,
      shownWithRetry: 0,
      unhandled: 0,
      problems: [],
    };
    const random = rng(14);
    const deadline = Date.now() + SECONDS * 1000;
    let patients: Row[] = [];
    while (Date.now() < deadline) {
      const roll = random();
      counts.actions++;
      try {
        if (roll < 0.3 || patients.length === 0) {
          counts.browse++;
          patients = await loadGroup(serverId, ['Patients']);
          if (!checkRows(patients, counts, 'browse')) patients = [];
        } else if (roll < 0.45) {
          counts.page++;
          const more = patients.find((r) => r.item.contextValue === 'loadMore');
          if (more) {
            await executeCommand('openemr.explorer.loadMore', more.node);
            const parent = more.node.parent;
            patients = await rows(parent);
            checkRows(patients, counts, 'page');
          }
        } else if (roll < 0.65) {
          counts.open++;
          const patient = patients.filter((r) => r.item.contextValue === 'patient')[Math.floor(random() * 10)];
          const uuid = patient && uuidOf(patient);
          const path = uuid ? `/api/patient/${uuid}` : '/api/patient';
          try {
            await executeCommand('openemr.openInViewer', { serverId, path });
          } catch (err) {
            counts.failures++;
            if (!(err instanceof Error) || !/500|Cannot reach|No answer/.test(err.message))
              counts.problems.push(`open: ${String(err)}`);
          }
        } else if (roll < 0.9) {
          counts.send++;
          const path = random() < 0.5 ? '/api/patient' : '/fhir/Patient';
          const result = await executeCommand<{ status: number }>('openemr.sendRequest', {
            serverId,
            method: 'GET',
            path,
            query: { _count: 5 },
          });
          if (result.status >= 400) counts.failures++;
        } else {
          counts.refresh++;
          // A refresh with rotation under faults: every token expires, the next request renews it.
          await fetch(`${sim.url}/__sim/tokens/expire`, {
            method: 'POST',
            body: '{}',
            headers: { 'content-type': 'application/json' },
          });
          const result = await executeCommand<{ status: number }>('openemr.sendRequest', {
            serverId,
            method: 'GET',
            path: '/api/patient',
          });
          if (result.status >= 400) counts.failures++;
        }
      } catch (err) {
        // A command rejected: it must be an explained error, never a programming error.
        counts.failures++;
        const message = err instanceof Error ? err.message : String(err);
        if (/Cannot read prop|undefined|is not a function|Maximum call stack/.test(message))
          counts.problems.push(`a programming error: ${message}`);
      }
      if (counts.actions % 20 === 0) await closeAllEditors();
    }
    counts.unhandled = unhandled.length;

    // The final refresh, faults off: the tree's first page equals the server's.
    sim.options.failRate = 0;
    const signedIn = await executeCommand('openemr.showToken', { serverId }).then(
      () => true,
      () => false,
    );
    if (!signedIn) counts.problems.push('the session was lost during the workload');
    const final = await allPatients(serverId);
    const shown = final.filter((r) => r.item.contextValue === 'patient').map((r) => uuidOf(r) ?? r.label);
    const server = (
      await executeCommand<{ body: { data: Array<{ uuid: string }> } }>('openemr.sendRequest', {
        serverId,
        method: 'GET',
        path: '/api/patient',
        query: { _limit: 200 },
      })
    ).body.data.map((p) => p.uuid);
    report(
      `network faults: ${SECONDS} s, ${counts.actions} actions (browse ${counts.browse}, page ${counts.page}, open ${counts.open}, ` +
        `send ${counts.send}, refresh ${counts.refresh}), ${counts.failures} failures, ${counts.shownWithRetry} tree failures shown once with Retry, ` +
        `${counts.unhandled} unhandled errors, final tree ${shown.length} patients = server ${server.length}`,
    );
    assert.deepEqual(counts.problems, []);
    assert.equal(counts.unhandled, 0, `unhandled: ${unhandled.map(String).join('; ')}`);
    assert.ok(counts.failures > 0, 'faults happened');
    assert.equal(final.filter((r) => r.item.contextValue === 'error').length, 0, 'no error row after the final refresh');
    assert.deepEqual([...shown].sort(), [...server].sort(), 'the tree shows exactly the patients of the server');
  });
});
