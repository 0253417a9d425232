/** Simulator controls, the admin page, --data-file persistence, determinism and the command line. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopback } from './http.js';
import type { RunningSimulator } from './index.js';
import { FLAG_HELP, MAX_PATIENTS, parseFlags, resolveOptions } from './options.js';
import {
  adminToken,
  apis,
  ASSERTION_TYPE,
  assertionKey,
  body,
  call,
  confidential,
  form,
  list,
  oauth,
  passwordToken,
  postJson,
  register,
  start,
} from './test-helpers.js';

describe('simulator controls and admin page', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await start(8);
  });
  afterEach(() => sim.reset());
  after(() => sim.close());

  it('POST /__sim/clients/{id}/disable and enable; disabling revokes the client tokens', async () => {
    const scope = 'openid api:oemr user/patient.read';
    const c = await confidential(sim, scope);
    const t = String((await passwordToken(sim, c, scope)).access_token);
    const off = await call(`${sim.url}/__sim/clients/${c.client_id}/disable`, { method: 'POST' });
    assert.deepEqual(off.json, { client_id: c.client_id, enabled: false });
    assert.equal((await call(apis(sim, '/api/patient?_limit=1'), { token: t })).status, 401);
    const refused = await form(oauth(sim, '/token'), {
      grant_type: 'password',
      client_id: c.client_id,
      user_role: 'users',
      username: 'admin',
      password: 'pass',
      scope,
    });
    assert.equal(refused.status, 401);
    assert.equal((await call(`${sim.url}/__sim/clients/${c.client_id}/enable`, { method: 'POST' })).status, 200);
    assert.equal(
      (
        await form(oauth(sim, '/token'), {
          grant_type: 'password',
          client_id: c.client_id,
          user_role: 'users',
          username: 'admin',
          password: 'pass',
          scope,
        })
      ).status,
      200,
    );
    assert.equal((await call(`${sim.url}/__sim/clients/nobody/enable`, { method: 'POST' })).status, 404);
  });

  it('POST /__sim/globals changes OpenEMR globals at run time and refuses unknown names', async () => {
    const r = await postJson(`${sim.url}/__sim/globals`, { oauth_password_grant: 0, rest_fhir_api: 0 });
    assert.equal(r.status, 200);
    assert.equal(body(r).oauth_password_grant, 0);
    assert.equal(sim.globals().rest_fhir_api, 0);
    const d = body(await call(oauth(sim, '/.well-known/openid-configuration')));
    assert.ok(!list(d.grant_types_supported).map(String).includes('password'));
    assert.equal((await postJson(`${sim.url}/__sim/globals`, { no_such_global: 1 })).status, 400);
    assert.equal((await postJson(`${sim.url}/__sim/globals`, { oauth_password_grant: 9 })).status, 400);
    assert.equal((await call(`${sim.url}/__sim/globals`, { method: 'POST', body: '{bad' })).status, 400);
  });

  it('POST /__sim/reset forgets clients and writes; counters count token requests', async () => {
    const token = await adminToken(sim);
    assert.equal(sim.counters().byGrant.password, 1);
    const posts = sim.counters().byMethod.POST ?? 0;
    await postJson(apis(sim, '/api/patient'), { fname: 'Temp', lname: 'Person', DOB: '2000-01-01', sex: 'Male' }, token);
    assert.equal(sim.counters().byMethod.POST, posts + 1, 'requests are counted by method');
    assert.equal((await call(`${sim.url}/__sim/reset`, { method: 'POST' })).status, 200);
    assert.equal(sim.clients().length, 0);
    assert.equal(sim.counters().tokenRequests, 0);
    const again = await adminToken(sim);
    assert.equal(list(body(await call(apis(sim, '/api/patient?lname=Person'), { token: again })).data).length, 0);
    assert.equal((await call(`${sim.url}/__sim/nothing`, { method: 'POST' })).status, 404);
  });

  it('answers /__sim only to loopback callers', () => {
    const fake = (remoteAddress: string) => ({ socket: { remoteAddress } }) as unknown as IncomingMessage;
    assert.equal(isLoopback(fake('127.0.0.1')), true);
    assert.equal(isLoopback(fake('::ffff:127.0.0.1')), true);
    assert.equal(isLoopback(fake('10.1.2.3')), false);
  });

  it('the admin page lists clients and its Enable button enables one', async () => {
    const c = await register(sim, {
      application_type: 'private',
      client_name: 'Billing <app>',
      scope: 'openid user/patient.read',
    });
    const page = await call(`${sim.url}/interface/smart/admin-client.php`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('Billing &#60;app&#62;'), 'names are escaped');
    assert.ok(page.text.includes(`value="${c.client_id}"`) && page.text.includes('>Enable<'));
    const after = await form(`${sim.url}/interface/smart/admin-client.php`, { client_id: c.client_id, action: 'enable' });
    assert.equal(after.status, 200);
    assert.ok(after.text.includes('>Disable<'));
    assert.equal(sim.clients()[0].enabled, true);
    const disabled = await form(`${sim.url}/interface/smart/admin-client.php`, { client_id: c.client_id, action: 'disable' });
    assert.equal(disabled.status, 200);
    assert.ok(disabled.text.includes('>Enable<'));
    assert.equal(sim.clients()[0].enabled, false);
  });

  it('the start options set the globals, and reset goes back to them', async () => {
    const other = await start(7, { apis: ['rest'], systemScopes: true, manualApproval: true, passwordGrant: 1 });
    try {
      const expected = {
        rest_api: 1,
        rest_fhir_api: 0,
        rest_portal_api: 0,
        rest_system_scopes_api: 1,
        oauth_password_grant: 1,
        oauth_app_manual_approval: 1,
      };
      assert.deepEqual(other.globals(), expected);
      assert.deepEqual(body(await call(`${other.url}/__sim/globals`)), expected);
      other.setGlobals({ rest_fhir_api: 1, oauth_password_grant: 3 });
      assert.equal((await call(`${other.url}/__sim/reset`, { method: 'POST' })).status, 200);
      assert.deepEqual(other.globals(), expected);
      assert.equal((await call(`${other.url}/apis/default/fhir/metadata`)).status, 501, 'FHIR is off (7.0.3 checks per API)');
      const c = await register(other, { application_type: 'private', scope: 'openid patient/Patient.read' });
      assert.equal(other.clients().find((x) => x.client_id === c.client_id)?.enabled, false, 'manual approval');
    } finally {
      await other.close();
    }
  });
});

describe('data file and determinism', () => {
  it('--data-file keeps clients, writes, globals and tokens across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oe-sim-'));
    const dataFile = join(dir, 'data.json');
    try {
      const a = await start(8, { dataFile });
      const scope = 'openid api:oemr user/patient.read user/patient.write';
      const c = await confidential(a, scope);
      const t = String((await passwordToken(a, c, scope)).access_token);
      const created = await postJson(
        apis(a, '/api/patient'),
        { fname: 'Kept', lname: 'Across', DOB: '1990-05-05', sex: 'Female' },
        t,
      );
      const uuid = String(body(created).data.uuid);
      a.setGlobals({ oauth_password_grant: 1 });
      await a.close();
      // same port: token issuers carry the server address
      const b = await start(8, { dataFile, port: a.port });
      try {
        // Node's fetch may still pool a socket to the stopped server on this port; the first call flushes it.
        await call(`${b.url}/oauth2/default/jwk`).catch(() => undefined);
        assert.equal(b.clients()[0].client_id, c.client_id);
        assert.equal(b.globals().oauth_password_grant, 1);
        const read = await call(apis(b, `/api/patient/${uuid}`), { token: t });
        assert.equal(read.status, 200, 'the old token still verifies: the key was kept');
        assert.equal(body(read).data.fname, 'Kept');
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--data-file keeps updates, deletes, FHIR writes, documents, rotated refresh tokens and used assertion jtis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oe-sim-'));
    const dataFile = join(dir, 'data.json');
    try {
      const a = await start(8, { dataFile, systemScopes: true });
      const scope =
        'openid offline_access api:oemr api:fhir user/patient.read user/patient.write user/allergy.read user/allergy.write user/document.read user/document.write user/Organization.read user/Organization.write';
      const c = await confidential(a, scope);
      const t = await passwordToken(a, c, scope);
      const token = String(t.access_token);
      const [p] = list(body(await call(apis(a, '/api/patient?_limit=1'), { token })).data);
      await postJson(apis(a, `/api/patient/${String(p.uuid)}`), { city: 'Persisted City' }, token, 'PUT');
      const allergies = list(body(await call(apis(a, `/api/patient/${String(p.uuid)}/allergy`), { token })).data);
      assert.ok(allergies.length > 0);
      const gone = String(allergies[0].uuid);
      assert.equal(
        (await call(apis(a, `/api/patient/${String(p.uuid)}/allergy/${gone}`), { method: 'DELETE', token })).status,
        200,
      );
      const org = body(
        await postJson(apis(a, '/fhir/Organization'), { resourceType: 'Organization', name: 'Kept Clinic' }, token),
      );
      const fd = new FormData();
      fd.append('document', new Blob([Buffer.from([0, 1, 2, 255])], { type: 'application/octet-stream' }), 'kept.bin');
      assert.equal(
        (await call(apis(a, `/api/patient/${String(p.pid)}/document?path=Lab%20Report`), { method: 'POST', body: fd, token }))
          .status,
        200,
      );
      const refresh = (rt: unknown, sim: RunningSimulator) =>
        form(oauth(sim, '/token'), {
          grant_type: 'refresh_token',
          refresh_token: String(rt),
          client_id: c.client_id,
          client_secret: c.client_secret,
        });
      const rotated = body(await refresh(t.refresh_token, a));
      const key = await assertionKey();
      const sys = await confidential(a, 'system/Patient.read', { jwks: key.jwks });
      const aud = oauth(a, '/token');
      const assertion = await key.sign(sys.client_id, aud, 'jti-kept');
      const ccForm = {
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
        scope: 'system/Patient.read',
      };
      assert.equal((await form(aud, ccForm)).status, 200);
      await a.close();
      const b = await start(8, { dataFile, systemScopes: true, port: a.port });
      try {
        await call(`${b.url}/oauth2/default/jwk`).catch(() => undefined);
        const fresh = String(rotated.access_token);
        assert.equal(body(await call(apis(b, `/api/patient/${String(p.uuid)}`), { token: fresh })).data.city, 'Persisted City');
        assert.equal((await call(apis(b, `/api/patient/${String(p.uuid)}/allergy/${gone}`), { token: fresh })).status, 404);
        // a FHIR POST answers the insert result ({id, uuid}), so the resource id is the uuid
        assert.equal(body(await call(apis(b, `/fhir/Organization/${String(org.uuid)}`), { token: fresh })).name, 'Kept Clinic');
        const docs = list(
          body(await call(apis(b, `/api/patient/${String(p.pid)}/document?path=Lab%20Report`), { token: fresh })),
        );
        const doc = docs.find((d) => String(d.filename) === 'kept.bin');
        assert.ok(doc);
        const down = await fetch(apis(b, `/api/patient/${String(p.pid)}/document/${String(doc.id)}`), {
          headers: { Authorization: `Bearer ${fresh}` },
        });
        assert.deepEqual([...new Uint8Array(await down.arrayBuffer())], [0, 1, 2, 255]);
        assert.equal((await refresh(t.refresh_token, b)).status, 400, 'the rotated-away refresh token stays dead');
        assert.equal((await refresh(rotated.refresh_token, b)).status, 200);
        assert.equal((await form(oauth(b, '/token'), ccForm)).status, 401, 'a used jti stays used');
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the same seed gives the same data; another seed differs', async () => {
    const snapshot = async (seed: number) => {
      const sim = await start(8, { seed });
      try {
        const t = await adminToken(sim, 'api:oemr user/patient.read user/encounter.read');
        const pts = list(body(await call(apis(sim, '/api/patient?_limit=5'), { token: t })).data);
        const enc = body(await call(apis(sim, `/api/patient/${String(pts[0].uuid)}/encounter`), { token: t })).data;
        return JSON.stringify([pts, enc]);
      } finally {
        await sim.close();
      }
    };
    const one = await snapshot(11);
    assert.equal(await snapshot(11), one);
    assert.notEqual(await snapshot(12), one);
  });
});

describe('command line', () => {
  it('--help and docs/simulator.md document every flag the parser takes', () => {
    const parser = readFileSync(join(import.meta.dirname, 'options.ts'), 'utf8');
    const flags = [...parser.matchAll(/case '(--[a-z-]+)'/g)].map((m) => m[1]);
    assert.ok(flags.length >= 16, flags.join(' '));
    const docs = readFileSync(join(import.meta.dirname, '../../docs/simulator.md'), 'utf8');
    for (const flag of flags) {
      assert.match(FLAG_HELP, new RegExp(`^  ${flag}\\b`, 'm'), `--help lacks ${flag}`);
      if (flag !== '--help') assert.ok(docs.includes(`\`${flag}`), `docs/simulator.md lacks ${flag}`);
    }
  });

  it('parses every flag of the issue', () => {
    const f = parseFlags([
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--sites',
      'default,clinic2',
      '--patients',
      '100',
      '--seed',
      '3',
      '--flavor',
      '7',
      '--password-grant',
      '1',
      '--manual-approval',
      '--system-scopes',
      '--api',
      'rest,fhir',
      '--token-ttl',
      '60',
      '--latency',
      '5',
      '--fail-rate',
      '0.1',
      '--data-file',
      '/tmp/x.json',
      '--public-url',
      'https://emr.example.org',
      '--quiet',
    ]);
    assert.deepEqual(f, {
      port: 0,
      host: '127.0.0.1',
      sites: ['default', 'clinic2'],
      patients: 100,
      seed: 3,
      flavor: 7,
      passwordGrant: 1,
      manualApproval: true,
      systemScopes: true,
      apis: ['rest', 'fhir'],
      tokenTtl: 60,
      latency: 5,
      failRate: 0.1,
      dataFile: '/tmp/x.json',
      publicUrl: 'https://emr.example.org',
      quiet: true,
    });
    assert.equal(parseFlags([]).port, 8300);
    assert.equal(parseFlags(['--patients=7']).patients, 7);
    assert.throws(() => parseFlags(['--nope']));
    assert.throws(() => parseFlags(['--api', 'soap']));
    assert.throws(() => parseFlags(['--patients', 'many']));
    assert.equal(resolveOptions({ patients: MAX_PATIENTS }).patients, 100_000);
    for (const bad of [
      { patients: MAX_PATIENTS + 1 },
      { flavor: 9 as 7 },
      { passwordGrant: 4 as 3 },
      { failRate: 2 },
      { sites: ['bad site'] },
      { publicUrl: 'https://emr.example.org/openemr/' },
      { publicUrl: 'emr.example.org' },
    ]) {
      assert.throws(() => resolveOptions(bad), JSON.stringify(bad));
    }
  });

  it('prints the logins, then the listening line, and stops cleanly on SIGTERM', async function () {
    this.timeout(30_000);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'cli.ts'), '--port', '0', '--patients', '5'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const url = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /^OpenEMR simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (m) ok(m[1]);
      });
      child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
    });
    assert.ok(out.includes('admin'));
    assert.ok(/patient\s+\S+\s+email \S+@example\.com/.test(out));
    assert.equal((await call(`${url}/oauth2/default/jwk`)).status, 200);
    const code = await new Promise<number | null>((ok) => {
      child.once('exit', ok);
      child.kill('SIGTERM');
    });
    assert.equal(code, 0);
  });
});
