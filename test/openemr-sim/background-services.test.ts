/** Facts §5: 8.x's background services (list, read, run due, run one), their scopes and their absence in 7.0.3. */
import assert from 'node:assert/strict';
import type { RunningSimulator } from './index.js';
import { adminToken, apis, body, call, confidential, list, passwordToken, start, type Json } from './test-helpers.js';

/** Reading needs background_service; running needs user/background_service.$run and (sic) user/run.c. */
const V1 = 'openid api:oemr user/background_service.read user/background_service.$run user/run.c';
const ROUTES: [method: string, path: string][] = [
  ['GET', '/api/background_service'],
  ['GET', '/api/background_service/phimail'],
  ['POST', '/api/background_service/$run'],
  ['POST', '/api/background_service/phimail/run'],
];

describe('background services (flavor 8)', () => {
  let sim: RunningSimulator;
  let token: string;
  const send = (method: string, path: string, t = token) => call(apis(sim, path), { method, token: t });
  const service = async (name: string) => body(await send('GET', `/api/background_service/${name}`)).data;
  before(async () => {
    sim = await start(8);
  });
  after(() => sim.close());
  /** Every test starts with services that never ran (a reset also drops clients and tokens). */
  beforeEach(async () => {
    sim.reset();
    token = await adminToken(sim, V1);
  });

  it("lists the services in the envelope, sorted and with the table's fields; one reads by name", async () => {
    const r = await send('GET', '/api/background_service');
    assert.equal(r.status, 200);
    const b = body(r);
    assert.deepEqual(b.validationErrors, []);
    const rows = list(b.data);
    const names = rows.map((s) => String(s.name));
    assert.deepEqual(names, [...names].sort());
    for (const name of ['phimail', 'MedEx', 'X12_SFTP', 'Email_Service', 'SMS_Service', 'UUID_Service'])
      assert.ok(names.includes(name), name);
    const uuid = rows.find((s) => String(s.name) === 'UUID_Service') as Json;
    assert.deepEqual(Object.keys(uuid).sort(), [
      'active',
      'execute_interval',
      'function',
      'name',
      'next_run',
      'require_once',
      'running',
      'sort_order',
      'title',
    ]);
    assert.equal(uuid.next_run, '1970-01-01 00:00:00');
    assert.equal(list(body(await send('GET', '/api/background_service?_limit=2')).data).length, 2);
    assert.deepEqual(
      await service('Email_Service'),
      rows.find((s) => String(s.name) === 'Email_Service'),
    );
  });

  it('$run executes the active, due services once and reports the others', async () => {
    const first = await send('POST', '/api/background_service/$run');
    assert.equal(first.status, 200);
    const results = list(body(first).data.results);
    const status = Object.fromEntries(results.map((x) => [String(x.name), String(x.status)]));
    assert.equal(status.Email_Service, 'executed');
    assert.equal(status.UUID_Service, 'executed');
    assert.equal(status.phimail, 'not_active');
    const nextRun = String((await service('UUID_Service')).next_run);
    assert.ok(nextRun > '2000-01-01 00:00:00', `next_run moved: ${nextRun}`);
    const again = list(body(await send('POST', '/api/background_service/$run')).data.results);
    assert.equal(again.find((x) => String(x.name) === 'UUID_Service')?.status, 'not_due', 'the interval has not passed');
    assert.equal(String((await service('UUID_Service')).next_run), nextRun);
  });

  it(':name/run runs one service even when it is not due; unknown names answer 404 with a null body', async () => {
    await send('POST', '/api/background_service/$run');
    const before = String((await service('Email_Service')).next_run);
    const one = await send('POST', '/api/background_service/Email_Service/run');
    assert.equal(one.status, 200);
    assert.deepEqual(body(one).data, { results: [{ name: 'Email_Service', status: 'executed' }] });
    assert.ok(String((await service('Email_Service')).next_run) >= before);
    assert.equal(list(body(await send('POST', '/api/background_service/MedEx/run')).data.results)[0].status, 'not_active');
    for (const [method, path] of [
      ['GET', '/api/background_service/nope'],
      ['POST', '/api/background_service/nope/run'],
    ]) {
      const missing = await send(method, path);
      assert.equal(missing.status, 404, path);
      assert.equal(missing.text, 'null');
    }
  });

  it('needs user/background_service s or r, user/background_service.$run, user/run.c, and the admin ACL', async () => {
    const readOnly = await adminToken(sim, 'openid api:oemr user/background_service.rs');
    assert.equal((await send('GET', '/api/background_service', readOnly)).status, 200);
    assert.equal((await send('GET', '/api/background_service/phimail', readOnly)).status, 200);
    const refused = await send('POST', '/api/background_service/$run', readOnly);
    assert.equal(refused.status, 401);
    assert.equal(body(refused).message, 'Unauthorized');
    // OpenEMR takes the scope resource of POST …/:name/run from the last segment: user/run.c
    const runOne = await adminToken(sim, 'openid api:oemr user/run.c');
    assert.equal((await send('POST', '/api/background_service/phimail/run', runOne)).status, 200);
    assert.equal((await send('POST', '/api/background_service/$run', runOne)).status, 401);
    assert.equal((await send('GET', '/api/background_service', runOne)).status, 401);
    const runDue = await adminToken(sim, 'openid api:oemr user/background_service.$run');
    assert.equal((await send('POST', '/api/background_service/$run', runDue)).status, 200);
    const client = await confidential(sim, V1);
    const clerk = String(
      (await passwordToken(sim, client, V1, { user_role: 'users', username: 'clerk', password: 'pass' })).access_token,
    );
    for (const [method, path] of ROUTES) {
      const denied = await send(method, path, clerk);
      assert.equal(denied.status, 403, `${method} ${path}`);
      assert.equal(body(denied).message, 'Organization policy does not have permit access resource');
    }
  });

  it('discovery offers the scopes; /__sim/reset puts every service back to never run', async () => {
    const scopes = list(body(await call(`${sim.url}/oauth2/default/.well-known/openid-configuration`)).scopes_supported).map(
      String,
    );
    for (const s of ['user/background_service.read', 'user/background_service.crs', 'user/background_service.$run', 'user/run.c'])
      assert.ok(scopes.includes(s), s);
    await send('POST', '/api/background_service/$run');
    sim.reset();
    const fresh = await adminToken(sim, V1);
    assert.equal(body(await send('GET', '/api/background_service/UUID_Service', fresh)).data.next_run, '1970-01-01 00:00:00');
  });
});

describe('background services (flavor 7)', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await start(7);
  });
  after(() => sim.close());

  it('are unknown routes (404, empty body) and their scopes are unknown', async () => {
    const token = await adminToken(sim);
    for (const [method, path] of ROUTES) {
      const r = await call(apis(sim, path), { method, token });
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.text, '');
    }
    await assert.rejects(adminToken(sim, V1), /invalid_scope/);
  });
});
