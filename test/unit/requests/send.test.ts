import assert from 'node:assert/strict';
import { HttpClient, OpenEmrClient, OpenEmrError, type TokenSource } from '../../../src/core';
import { parseSendArgs, sendRequest, toSendResult, withQuery } from '../../../src/core/requests/send';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, type SimContext } from '../core/sim-helpers';

const rejects = (arg: unknown, pattern: RegExp) =>
  assert.throws(
    () => parseSendArgs(arg),
    (err: unknown) => err instanceof OpenEmrError && err.kind === 'invalid-request' && pattern.test(err.message),
  );

describe('sendRequest arguments', () => {
  it('accepts the documented shape and upper-cases the method', () => {
    const args = parseSendArgs({ serverId: 's', method: 'get', path: '/api/patient', query: { _limit: 5, tag: ['a', 'b'] } });
    assert.equal(args.method, 'GET');
    assert.deepEqual(args.query, { _limit: 5, tag: ['a', 'b'] });
  });

  it('names each broken rule', () => {
    rejects(undefined, /argument object/);
    rejects({ method: 'GET', path: '/api/patient' }, /serverId/);
    rejects({ serverId: 's', method: 'FETCH', path: '/api/patient' }, /method/);
    rejects({ serverId: 's', method: 'GET', path: 'api/patient' }, /path/);
    rejects({ serverId: 's', method: 'GET', path: '/oauth2/default/token' }, /path/);
    rejects({ serverId: 's', method: 'GET', path: '/api/patient', query: { a: { b: 1 } } }, /query "a"/);
    rejects({ serverId: 's', method: 'GET', path: '/api/patient', headers: { 'X-A': 1 } }, /headers/);
    rejects({ serverId: 's', method: 'GET', path: '/api/patient', headers: { authorization: 'Bearer x' } }, /Authorization/);
    rejects({ serverId: 's', method: 'GET', path: '/api/patient', body: {} }, /no body/);
    rejects({ serverId: 's', method: 'GET', path: '/api/patient', timeoutMs: -1 }, /timeoutMs/);
  });

  it('appends query values, repeating names for lists', () => {
    assert.equal(
      withQuery('/fhir/Observation', { patient: 'p 1', category: ['a', 'b'] }),
      '/fhir/Observation?patient=p+1&category=a&category=b',
    );
    assert.equal(withQuery('/api/patient?_limit=1', { lname: "O'Brien" }), '/api/patient?_limit=1&lname=O%27Brien');
    assert.equal(withQuery('/api/patient', undefined), '/api/patient');
  });
});

describe('sendRequest against the simulator', () => {
  let ctx: SimContext;
  let token: string;
  let client: OpenEmrClient;
  let renewals = 0;
  let renewTo: () => Promise<string>;

  before(async () => {
    ctx = await startSim();
    const registered = await enabledClient(ctx);
    const oauth = oauthFor(ctx, registered);
    token = (await adminPasswordTokens(oauth)).accessToken;
    renewTo = async () => (await adminPasswordTokens(oauth)).accessToken;
    const source: TokenSource = {
      getAccessToken: async () => token,
      renewAfterRejection: async () => {
        renewals++;
        token = await renewTo();
        return token;
      },
    };
    client = new OpenEmrClient({ http: ctx.http, tokens: source });
  });
  after(() => ctx.close());
  beforeEach(() => {
    renewals = 0;
  });

  it('returns a JSON answer as body, with status, headers, time and size', async () => {
    const { result, request } = await sendRequest(
      client,
      parseSendArgs({ serverId: 's', method: 'GET', path: '/api/patient', query: { _limit: 2 } }),
    );
    assert.equal(result.status, 200);
    assert.equal(result.statusText, 'OK');
    assert.match(result.headers['content-type'] ?? '', /json/);
    assert.equal((result.body as { data: unknown[] }).data.length, 2);
    assert.equal(result.text, undefined);
    assert.ok(result.sizeBytes > 0 && result.durationMs >= 0);
    assert.match(request.url, /\/apis\/default\/api\/patient\?_limit=2$/);
  });

  it('a 404 is a result, not a rejection', async () => {
    const { result } = await sendRequest(
      client,
      parseSendArgs({ serverId: 's', method: 'GET', path: '/api/patient/00000000-0000-0000-0000-000000000000' }),
    );
    assert.ok(result.status >= 400, String(result.status));
  });

  it('a validation error of a POST is a result with the envelope', async () => {
    const { result } = await sendRequest(
      client,
      parseSendArgs({ serverId: 's', method: 'POST', path: '/api/patient', body: { fname: 'A' } }),
    );
    assert.equal(result.status, 400);
    assert.ok((result.body as { validationErrors?: unknown }).validationErrors);
  });

  it('sends a string body as it is', async () => {
    const body = JSON.stringify({ fname: 'Str', lname: 'Body', DOB: '1990-01-02', sex: 'Male' });
    const { result } = await sendRequest(client, parseSendArgs({ serverId: 's', method: 'POST', path: '/api/patient', body }));
    assert.ok(result.status < 300, JSON.stringify(result.body));
  });

  it('renews once and resends a GET after an expired token; never a POST', async () => {
    ctx.sim.expireTokens();
    const before = ctx.sim.counters().requests;
    const get = await sendRequest(
      client,
      parseSendArgs({ serverId: 's', method: 'GET', path: '/api/patient', query: { _limit: 1 } }),
    );
    assert.equal(get.result.status, 200);
    assert.equal(renewals, 1);
    assert.equal(get.response.retried, true);
    ctx.sim.expireTokens();
    renewals = 0;
    const mid = ctx.sim.counters().requests;
    const post = await sendRequest(
      client,
      parseSendArgs({
        serverId: 's',
        method: 'POST',
        path: '/api/patient',
        body: { fname: 'No', lname: 'Resend', DOB: '1990-01-02', sex: 'Male' },
      }),
    );
    assert.equal(post.result.status, 401);
    assert.equal(renewals, 0);
    assert.equal(post.response.retried, false);
    assert.equal(ctx.sim.counters().requests - mid, 1, 'the POST reached the server once');
    assert.ok(mid > before);
    token = await renewTo();
  });

  it('rejects with the explained error when no answer comes', async () => {
    const dead = new OpenEmrClient({ http: new HttpClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 }) });
    await assert.rejects(
      sendRequest(dead, parseSendArgs({ serverId: 's', method: 'GET', path: '/fhir/metadata' })),
      (err: unknown) => err instanceof OpenEmrError && err.kind === 'network',
    );
  });
});

describe('sendRequest results hold no secret', () => {
  const answer = (text: string, headers: Record<string, string> = {}) => ({
    ok: true,
    status: 200,
    method: 'GET' as const,
    url: 'https://x/apis/default/api/x',
    headers,
    contentType: 'application/json',
    ms: 3,
    size: text.length,
    isJson: true,
    bytes: Buffer.from(text),
    body: JSON.parse(text) as unknown,
    retried: false,
  });

  it('masks a known token and token-shaped values echoed in the body or headers', () => {
    const secret = 'opaque-refresh-value-123456';
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
    const res = answer(JSON.stringify({ a: secret, b: jwt, access_token: 'zzz' }), { 'x-echo': `Bearer ${jwt}` });
    const result = toSendResult(res, [secret]);
    const all = JSON.stringify(result);
    assert.ok(!all.includes(secret) && !all.includes(jwt) && !all.includes('zzz'), all);
    assert.equal(typeof result.body, 'object');
  });

  it('keeps FHIR codes: a field or search parameter named code is data in an answer, not a secret', () => {
    const observation = {
      resourceType: 'Bundle',
      link: [{ relation: 'next', url: 'https://x/apis/default/fhir/Observation?code=http://loinc.org|8867-4&_page=2' }],
      entry: [{ resource: { code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } } }],
      access_token: 'still-masked-value',
    };
    const result = toSendResult(answer(JSON.stringify(observation)));
    const all = JSON.stringify(result.body);
    assert.ok(all.includes('"code":"8867-4"') && all.includes('code=http://loinc.org|8867-4'), all);
    assert.ok(!all.includes('still-masked-value'), all);
  });

  it('leaves an ordinary answer untouched (same object)', () => {
    const res = answer('{"data":[{"uuid":"u1"}]}');
    assert.equal(toSendResult(res, ['not-in-there']).body, res.body);
  });
});
