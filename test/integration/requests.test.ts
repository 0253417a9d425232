// openemr.sendRequest in the real extension host against the simulator: every argument and result rule,
// the refresh-once rule, the no-resend rule for POST, no secret in a result, and the log line.
import * as assert from 'node:assert/strict';
import type { SendRequestResult } from '../../src/core/requests/send';
import type { RequestsApi } from '../../src/requests/register';
import { activateExtension, executeCommand, simControl, simUrl } from './helpers';
import { counters, removeServer, serverProfile, signedInServer, tokenOf, type Counters } from './requests-support';
import { logText, rejectsWith } from './signin-support';

type Result = SendRequestResult;

const send = (args: Record<string, unknown>) => executeCommand<Result>('openemr.sendRequest', args);

describe('openemr.sendRequest (host)', function () {
  this.timeout(120_000);
  let serverId: string;
  let patientUuid: string;
  let pid: string;

  before(async () => {
    await activateExtension();
    serverId = await signedInServer('Requests sim');
    const first = await send({ serverId, method: 'GET', path: '/api/patient', query: { _limit: 1 } });
    const row = (first.body as { data: Array<{ uuid: string; pid: string | number }> }).data[0]!;
    patientUuid = row.uuid;
    pid = String(row.pid);
  });
  after(() => removeServer(serverId));

  it('returns status, statusText, headers, body, durationMs and sizeBytes for a JSON answer', async () => {
    const result = await send({ serverId, method: 'GET', path: `/api/patient/${patientUuid}` });
    assert.deepEqual(Object.keys(result).sort(), ['body', 'durationMs', 'headers', 'sizeBytes', 'status', 'statusText']);
    assert.equal(result.status, 200);
    assert.equal(result.statusText, 'OK');
    assert.match(result.headers['content-type']!, /json/);
    assert.equal((result.body as { data: { uuid: string } }).data.uuid, patientUuid);
    assert.ok(result.sizeBytes > 50 && Number.isFinite(result.durationMs));
  });

  it('the exported API (requests.sendRequest) answers as the command does, and rejects bad arguments the same way', async () => {
    const extension = await activateExtension();
    const api = (extension.exports as { requests: RequestsApi }).requests;
    const viaApi = await api.sendRequest({ serverId, method: 'GET', path: `/api/patient/${patientUuid}` });
    const viaCommand = await send({ serverId, method: 'GET', path: `/api/patient/${patientUuid}` });
    assert.equal(viaApi.status, 200);
    assert.deepEqual(viaApi.body, viaCommand.body);
    assert.deepEqual(Object.keys(viaApi).sort(), Object.keys(viaCommand).sort());
    await rejectsWith(api.sendRequest({ serverId, method: 'GET', path: 'https://elsewhere.example/x' }), /path|API root/i);
  });

  it('applies query values, repeated for lists, and lower-case methods', async () => {
    const result = await send({ serverId, method: 'get', path: '/api/patient', query: { _limit: 3, _offset: 1 } });
    assert.equal((result.body as { data: unknown[] }).data.length, 3);
    const fhir = await send({ serverId, method: 'GET', path: '/fhir/Patient', query: { _id: [patientUuid] } });
    assert.equal((fhir.body as { total?: number; entry?: unknown[] }).entry?.length, 1);
  });

  it('sends a JSON body, and a string body as it is with its own headers; a non-JSON answer comes as text', async () => {
    const created = await send({
      serverId,
      method: 'POST',
      path: '/api/patient',
      body: { fname: 'Runner', lname: 'Json', DOB: '1991-02-03', sex: 'Female' },
    });
    assert.ok(created.status === 200 || created.status === 201, JSON.stringify(created.body));
    const boundary = 'openemrRunnerBoundary';
    const multipart = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="document"; filename="note.txt"',
      'Content-Type: text/plain',
      '',
      'a plain text note',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const uploaded = await send({
      serverId,
      method: 'POST',
      path: `/api/patient/${pid}/document`,
      query: { path: 'Medical Record' },
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: multipart,
    });
    assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
    const list = await send({ serverId, method: 'GET', path: `/api/patient/${pid}/document`, query: { path: 'Medical Record' } });
    const docs = list.body as Array<{ id: string; filename: string }>;
    const doc = docs.find((d) => d.filename === 'note.txt')!;
    const download = await send({ serverId, method: 'GET', path: `/api/patient/${pid}/document/${doc.id}` });
    assert.equal(download.text, 'a plain text note');
    assert.equal(download.body, undefined);
    assert.match(download.headers['content-type']!, /text\/plain/);
  });

  it('never rejects for an HTTP status: 400 and 404 are results', async () => {
    const invalid = await send({ serverId, method: 'POST', path: '/api/patient', body: { fname: 'OnlyFirst' } });
    assert.equal(invalid.status, 400);
    assert.ok((invalid.body as { validationErrors?: unknown }).validationErrors);
    const missing = await send({ serverId, method: 'GET', path: '/fhir/Patient/no-such-id' });
    // OpenEMR answers 400 or 404 for an id it cannot find, by version: either way a result.
    assert.ok(missing.status === 404 || missing.status === 400, String(missing.status));
    const route = await send({ serverId, method: 'GET', path: '/api/no_such_route' });
    assert.ok(route.status >= 400);
  });

  it('rejects bad arguments with the rule that was broken', async () => {
    await rejectsWith(send({ serverId, method: 'GET', path: 'api/patient' }), /path/);
    await rejectsWith(send({ serverId, method: 'BREW', path: '/api/patient' }), /method/);
    await rejectsWith(send({ method: 'GET', path: '/api/patient' }), /serverId/);
    await rejectsWith(
      send({ serverId, method: 'GET', path: '/api/patient', headers: { Authorization: 'Bearer x' } }),
      /Authorization/,
    );
    await rejectsWith(send({ serverId: 'no-such-server', method: 'GET', path: '/api/patient' }), /no-such-server/);
  });

  it('rejects only when no answer came: not signed in, network', async () => {
    const { serverId: lonely } = await executeCommand<{ serverId: string }>('openemr.addServer', {
      baseUrl: simUrl(),
      name: 'Not signed in',
    });
    try {
      await rejectsWith(
        send({ serverId: lonely, method: 'GET', path: '/api/patient' }),
        /[Nn]ot signed in|Register Client|Sign In/,
      );
    } finally {
      await removeServer(lonely);
    }
    const { serverId: dead } = await executeCommand<{ serverId: string }>('openemr.addServer', {
      baseUrl: 'http://127.0.0.1:9',
      name: 'Nobody home',
    });
    try {
      await rejectsWith(send({ serverId: dead, method: 'GET', path: '/fhir/metadata', timeoutMs: 3000 }), /./);
    } finally {
      await removeServer(dead);
    }
  });

  it('holds no token in any result field', async () => {
    const token = await tokenOf(serverId);
    assert.ok(token.length > 20);
    const results = [
      await send({ serverId, method: 'GET', path: '/api/patient', query: { _limit: 2 } }),
      await send({ serverId, method: 'GET', path: '/fhir/metadata' }),
      await send({ serverId, method: 'POST', path: '/api/patient', body: {} }),
    ];
    for (const r of results) assert.ok(!JSON.stringify(r).includes(token));
  });

  it('an expired token is refreshed once and a GET is sent again', async () => {
    const before = await counters();
    const oldToken = await tokenOf(serverId);
    await simControl('tokens/expire');
    const result = await send({ serverId, method: 'GET', path: `/api/patient/${patientUuid}` });
    assert.equal(result.status, 200);
    const after = await counters();
    assert.equal((after.byGrant.refresh_token ?? 0) - (before.byGrant.refresh_token ?? 0), 1, 'one refresh');
    assert.notEqual(await tokenOf(serverId), oldToken);
  });

  it('a POST that meets an expired token is not sent again: the 401 is the result', async () => {
    await simControl('tokens/expire');
    const before = await counters();
    const result = await send({
      serverId,
      method: 'POST',
      path: '/api/patient',
      body: { fname: 'Never', lname: 'Twice', DOB: '1990-01-01', sex: 'Male' },
    });
    const after = await counters();
    assert.equal(result.status, 401);
    // By method: the window's own background reads (GETs) may reach the server meanwhile.
    assert.equal((after.byMethod.POST ?? 0) - (before.byMethod.POST ?? 0), 1, 'the POST reached the server once');
    // Other windows' servers on the shared simulator may refresh meanwhile: count this server's client only.
    const clientId = serverProfile(serverId).clientId ?? '';
    const refreshes = (c: Counters): number => c.byClient[clientId] ?? 0;
    assert.equal(refreshes(after), refreshes(before), 'no refresh for a POST');
    const patch = await send({ serverId, method: 'PATCH', path: `/api/patient/${patientUuid}`, body: {} });
    assert.ok(patch.status >= 400);
    assert.equal(refreshes(await counters()), refreshes(before));
    // The next GET refreshes, so the other tests go on with a live token.
    assert.equal((await send({ serverId, method: 'GET', path: '/fhir/metadata' })).status, 200);
  });

  it('writes each request to the OpenEMR log (method, URL, status, time) without the token', async () => {
    await send({ serverId, method: 'GET', path: '/api/patient', query: { _limit: 4, lname: 'LogMarker' } });
    const log = await logText('lname=LogMarker');
    assert.match(log, /GET http:\/\/127\.0\.0\.1:\d+\/apis\/default\/api\/patient\?_limit=4&lname=LogMarker -> 200 \d+ms/);
    assert.ok(!log.includes(await tokenOf(serverId)));
  });
});
