// The hostile cases against the client core in plain Node: every case through the API request, the typed
// list the tree uses, the password grant, registration and discovery, with a short time-out. The same cases
// run through the editor's commands in test/integration/hardening-hostile.test.ts.
import * as assert from 'node:assert/strict';
import {
  createConnection,
  discover,
  HttpClient,
  MemorySecretStore,
  registerClient,
  type Connection,
  type ServerConfig,
} from '../../src/core';
import { startSimulator, type RunningSimulator } from '../openemr-sim';
import { HOSTILE_CASES, type Driver, type HostileCase } from './cases';
import { hostileLine, judge, type Outcome } from './judge';
import { startHostileServer, type HostileServer } from './server';

const TIMEOUT_MS = 5_000;
const SCOPES = ['openid', 'offline_access', 'api:oemr', 'api:fhir', 'user/patient.read', 'user/Patient.read'];

describe('hostile server against the core', function () {
  this.timeout(60_000);
  let sim: RunningSimulator;
  let hostile: HostileServer;
  let server: ServerConfig;
  let conn: Connection;
  let held = 0;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    sim = await startSimulator({ port: 0, quiet: true, patients: 10 });
    hostile = await startHostileServer(sim.url);
    server = { baseUrl: hostile.url, timeoutMs: TIMEOUT_MS };
    const http = new HttpClient(server);
    const client = await registerClient(http, {
      applicationType: 'private',
      clientName: 'hostile core',
      redirectUris: ['http://127.0.0.1:8765/callback'],
      scopes: SCOPES,
    });
    http.dispose();
    sim.enableClient(client.clientId);
    conn = createConnection({ server, client, secrets: new MemorySecretStore() });
    await conn.session.signedIn(await signIn());
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    console.log(`      ${hostileLine(HOSTILE_CASES.length, held)}`);
    conn?.dispose();
    await hostile?.close();
    await sim?.close();
  });

  const signIn = () => conn.oauth.passwordGrant({ role: 'users', username: 'admin', password: 'pass', scopes: SCOPES });

  async function timed(via: string, run: () => Promise<string | undefined>): Promise<Outcome> {
    const started = performance.now();
    let error: Outcome['error'];
    try {
      const reported = await run();
      if (reported) error = { message: reported };
    } catch (err) {
      error = { message: err instanceof Error ? err.message : String(err), name: (err as Error).name };
    }
    return { via, ms: Math.round(performance.now() - started), error };
  }

  function runDriver(c: HostileCase, driver: Driver): Promise<Outcome>[] {
    const path = c.path ?? '/api/patient';
    switch (driver) {
      case 'request':
        return [
          timed('request', async () => (await conn.api.request('GET', path)).error?.message),
          timed('list', async () => {
            if (path.startsWith('/fhir')) await conn.api.fhirSearch('Patient', {}, { limit: 5 });
            else await conn.api.listPatients({}, { limit: 5 });
            return undefined;
          }),
        ];
      case 'post':
        return [
          timed('request POST', async () => {
            const res = await conn.api.request('POST', '/api/patient', {
              fname: 'Hostile',
              lname: 'Case',
              DOB: '1990-01-01',
              sex: 'Female',
            });
            return res.error?.message;
          }),
        ];
      case 'signIn':
        return [timed('password grant', async () => void (await signIn()))];
      case 'register':
        return [
          timed('registration', async () => {
            await registerClient(conn.http, {
              applicationType: 'private',
              clientName: 'hostile registration',
              redirectUris: ['http://127.0.0.1:8765/callback'],
              scopes: SCOPES,
            });
            return undefined;
          }),
        ];
      case 'addServer':
        return [timed('discovery', async () => ((await discover(conn.http)).apis.oauth === true ? undefined : 'no OAuth'))];
    }
  }

  for (const c of HOSTILE_CASES) {
    it(`holds: ${c.group}: ${c.name}`, async () => {
      await hostile.arm(c);
      let outcomes: Outcome[];
      try {
        outcomes = await Promise.all(c.drivers.flatMap((d) => runDriver(c, d)));
      } finally {
        await hostile.arm(undefined);
      }
      const problems = outcomes.flatMap((o) => judge(c, o, TIMEOUT_MS + 1_500));
      const leaked = hostile.seenElsewhere.filter((r) => r.authorization || r.grantType);
      if (leaked.length) problems.push(`credentials reached the other origin: ${leaked.map((r) => r.path).join(', ')}`);
      if (c.name.startsWith('a discovery') && hostile.seenElsewhere.length)
        problems.push(`requests went to the advertised host: ${hostile.seenElsewhere.map((r) => r.path).join(', ')}`);
      const refreshes = hostile.seen.filter((r) => r.grantType === 'refresh_token').length;
      const requestCommands = outcomes.filter((o) => o.via === 'request' || o.via === 'list').length;
      if (refreshes > requestCommands) problems.push(`${refreshes} refreshes for ${requestCommands} requests`);
      if (unhandled.length) problems.push(`unhandled rejections: ${unhandled.map(String).join('; ')}`);
      // The next normal command works (a sign-in case may have replaced the tokens: sign in again first).
      if (c.drivers.includes('signIn')) await conn.session.signedIn(await signIn());
      const next = await conn.api.listPatients({}, { limit: 2 });
      assert.ok(next.items.length > 0, 'the next normal request lists patients');
      assert.deepEqual(problems, []);
      held++;
    });
  }
});
