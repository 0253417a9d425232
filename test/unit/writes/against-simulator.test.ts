import assert from 'node:assert/strict';
import {
  createdPath,
  editableDocument,
  fillPath,
  hasRoute,
  newRecordDocument,
  planSave,
  readEditable,
  readRecord,
  ROUTES,
  schemaFor,
  sendWrite,
  templateFor,
  type JsonObject,
} from '../../../src/core';
import { userContext, type WriteContext } from './write-helpers';

/** Routes whose body is not a JSON record (multipart upload, operations). */
const NOT_A_RECORD = new Set([
  'POST /api/patient/:pid/document',
  'POST /fhir/DocumentReference/$docref',
  'POST /api/background_service/$run',
  'POST /api/background_service/:name/run',
]);

describe('writes against the simulator', function () {
  this.timeout(60_000);
  let ctx: WriteContext;
  let puuid = '';
  let pid = '';
  let eid = '';

  before(async () => {
    ctx = await userContext({ flavor: 8 });
    const patients = ctx.user.unwrap(
      await ctx.user.request<JsonObject[]>('GET', '/api/patient', undefined, { query: { _limit: 1 } }),
    );
    puuid = String(patients[0]!.uuid);
    pid = String(patients[0]!.pid);
    const encounters = ctx.user.unwrap(await ctx.user.request<JsonObject[]>('GET', `/api/patient/${puuid}/encounter`));
    eid = String(encounters[0]!.eid ?? encounters[0]!.id);
  });
  after(() => ctx?.close());

  it('every POST route that takes a record has a template, and its template is accepted as it is', async () => {
    const posts = ROUTES.filter((r) => r.method === 'POST' && !NOT_A_RECORD.has(r.id));
    assert.ok(posts.length >= 20, `${posts.length} POST routes`);
    for (const route of posts) {
      assert.ok(templateFor(route), `a template for ${route.id}`);
      const body = newRecordDocument(route);
      if (route.resource === 'prescription') body.pid = Number(pid);
      const path = fillPath(route.path, { puuid, pid, eid });
      const res = await sendWrite(ctx.user, 'POST', path, body);
      assert.ok(res.ok, `${route.id} accepted its template: ${res.status} ${JSON.stringify(res.validationErrors)}`);
      const created = createdPath(path, res.data, res.headers);
      assert.ok(created, `${route.id}: the created record has a path`);
      assert.ok(hasRoute('PUT', created) || hasRoute('GET', created), `${route.id}: ${created} is a record path`);
      if (!hasRoute('GET', created)) continue;
      const record = await readRecord(ctx.user, created);
      for (const [field, value] of Object.entries(body).filter(([, v]) => typeof v === 'string' && v))
        if (route.api === 'standard') assert.equal(String(record[field]), value, `${route.id}: ${field} read back`);
    }
  });

  it('schemas list the template fields, require them on POST, and flag unknown standard fields', () => {
    const post = ROUTES.find((r) => r.id === 'POST /api/patient')!;
    const schema = schemaFor(post);
    assert.deepEqual(schema.required, ['fname', 'lname', 'DOB', 'sex']);
    assert.equal(schema.additionalProperties, false);
    assert.ok(Object.keys(schema.properties as object).includes('email'));
    const put = ROUTES.find((r) => r.id === 'PUT /api/patient/:puuid')!;
    const withRecord = schemaFor(put, { some_column: 'x' });
    assert.deepEqual(withRecord.required, []);
    assert.ok(Object.keys(withRecord.properties as object).includes('some_column'));
    assert.equal(schemaFor(ROUTES.find((r) => r.id === 'PUT /fhir/Patient/:id')!).additionalProperties, true);
  });

  it('edit round trip: the editable document, changed and PUT, reads back with the new value', async () => {
    const path = `/api/patient/${puuid}`;
    const base = await readEditable(ctx.user, path);
    assert.equal(base.uuid, undefined);
    const edited = { ...base, city: 'Round Trip City' };
    const plan = await planSave(ctx.user, path, base, edited);
    assert.equal(plan.conflict, undefined);
    assert.deepEqual(
      plan.changes.map((c) => c.field),
      ['city'],
    );
    const res = await sendWrite(ctx.user, 'PUT', path, edited);
    assert.ok(res.ok, JSON.stringify(res.validationErrors));
    assert.equal((await readRecord(ctx.user, path)).city, 'Round Trip City');
  });

  it('a refused PUT names the field and changes nothing on the server', async () => {
    const path = `/api/patient/${puuid}`;
    const before = await readRecord(ctx.user, path);
    const res = await sendWrite(ctx.user, 'PUT', path, {
      ...editableDocument('standard', before),
      DOB: 'not-a-date',
      city: 'Never',
    });
    assert.equal(res.ok, false);
    assert.equal(res.status, 400);
    assert.deepEqual(
      res.problems.map((p) => p.field),
      ['DOB'],
    );
    assert.deepEqual(await readRecord(ctx.user, path), before);
  });

  it('a change made on the server after opening is a conflict before anything is sent', async () => {
    const path = `/api/patient/${puuid}`;
    const base = await readEditable(ctx.user, path);
    await sendWrite(ctx.user, 'PUT', path, { phone_home: '555-0000' });
    const plan = await planSave(ctx.user, path, base, { ...base, city: 'Mine' });
    assert.deepEqual(
      plan.conflict?.serverChanges.map((c) => c.field),
      ['phone_home'],
    );
    assert.equal(plan.current.phone_home, '555-0000');
  });

  it('a write is never re-sent: an expired token gives its 401 back, no renewal and second attempt', async () => {
    const path = `/api/patient/${puuid}`;
    const refreshes = ctx.sim.counters().byGrant.refresh_token ?? 0;
    ctx.sim.expireTokens();
    const res = await sendWrite(ctx.user, 'PUT', path, { city: 'Not Sent Twice' });
    // The session renews ahead of expiry on its own clock; either way the PUT goes out exactly once.
    const renewed = (ctx.sim.counters().byGrant.refresh_token ?? 0) > refreshes;
    if (!res.ok) {
      assert.equal(res.status, 401);
      assert.equal(renewed, false, 'no renewal after the refused write');
    }
    await ctx.session.refresh();
  });
});
