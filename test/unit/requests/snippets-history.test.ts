import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HistoryStore } from '../../../src/core/requests/history';
import { snippet, type SnippetKind, type SnippetRequest } from '../../../src/core/requests/snippets';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, type SimContext } from '../core/sim-helpers';

const run = promisify(execFile);

/** Runs a snippet with its interpreter and OPENEMR_TOKEN set; returns what it printed. */
async function execute(kind: SnippetKind, code: string, token: string, dir: string): Promise<string> {
  const env = { ...process.env, OPENEMR_TOKEN: token };
  if (kind === 'curl') return (await run('sh', ['-c', code], { env })).stdout;
  const file = path.join(dir, kind === 'python' ? 'snippet.py' : 'snippet.mjs');
  await writeFile(file, code);
  return (await run(kind === 'python' ? 'python3' : process.execPath, [file], { env })).stdout;
}

describe('snippets, run for real against the simulator', function () {
  this.timeout(30_000);
  let ctx: SimContext;
  let token: string;
  let dir: string;

  before(async () => {
    ctx = await startSim();
    token = (await adminPasswordTokens(oauthFor(ctx, await enabledClient(ctx)))).accessToken;
    dir = await mkdtemp(path.join(tmpdir(), 'openemr-snippets-'));
  });
  after(() => ctx.close());

  const awkward = `O'Brien "quoted" $HOME \`tick\` \\ back ünï`;

  for (const kind of ['curl', 'fetch', 'python'] as const) {
    it(`${kind}: a POST with quotes, dollars and backticks in the body and query arrives intact`, async () => {
      const req: SnippetRequest = {
        method: 'POST',
        url: `${ctx.sim.url}/apis/default/api/patient?note=${encodeURIComponent("it's")}`,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ fname: awkward, lname: `Snippet-${kind}`, DOB: '1990-01-02', sex: 'Female' }),
      };
      const code = snippet(kind, req);
      assert.ok(!code.includes(token), 'the snippet names the variable, not the token');
      const out = await execute(kind, code, token, dir);
      assert.match(out, /"uuid"|"pid"|201|200/, out);
      const search = `${ctx.sim.url}/apis/default/api/patient?lname=${encodeURIComponent(`Snippet-${kind}`)}`;
      const listed = await execute(
        kind,
        snippet(kind, { method: 'GET', url: search, headers: { Accept: 'application/json' } }),
        token,
        dir,
      );
      assert.ok(listed.includes(JSON.stringify(awkward).slice(1, -1)) || listed.includes("O'Brien"), listed);
      const body = JSON.parse(listed.slice(listed.indexOf('{'))) as { data: Array<{ fname: string }> };
      assert.equal(body.data[0]!.fname, awkward);
    });

    it(`${kind}: with the live token it works without the variable`, async () => {
      const code = snippet(kind, { method: 'GET', url: `${ctx.sim.url}/apis/default/api/patient?_limit=1` }, { token });
      assert.ok(code.includes(token));
      const out = await execute(kind, code, '', dir);
      assert.match(out, /"data"/);
    });
  }
});

describe('request history store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'openemr-history-'));
  });

  const entry = (serverId: string, i: number) => ({
    serverId,
    method: 'GET' as const,
    path: `/api/patient?i=${i}`,
    status: 200,
    durationMs: 5,
    sizeBytes: 10,
  });

  it('keeps the newest entries up to the cap per server, newest first, across instances', async () => {
    const store = new HistoryStore(dir, 5);
    for (let i = 0; i < 8; i++) await store.add(entry('a', i));
    await store.add(entry('b', 0));
    const again = new HistoryStore(dir, 5);
    const a = await again.list('a');
    assert.deepEqual(
      a.map((e) => e.path),
      [7, 6, 5, 4, 3].map((i) => `/api/patient?i=${i}`),
    );
    assert.equal((await again.list('b')).length, 1);
    assert.equal((await again.list()).length, 6);
  });

  it('keeps no header that carries a secret and masks secrets in bodies', async () => {
    const store = new HistoryStore(dir);
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';
    await store.add({
      ...entry('a', 0),
      method: 'POST',
      headers: { Authorization: `Bearer ${jwt}`, Cookie: 'OpenEMR=abc', 'X-Custom': `Bearer ${jwt}`, Accept: 'application/json' },
      body: { password: 'hunter2-secret', note: jwt },
    });
    const text = await readFile(path.join(dir, 'request-history.json'), 'utf8');
    assert.ok(!text.includes(jwt) && !text.includes('hunter2-secret') && !text.includes('OpenEMR=abc'), text);
    const [stored] = await store.list('a');
    assert.deepEqual(stored!.headers, { Accept: 'application/json' });
  });

  it('keeps the codes of a FHIR body, so that Send Again sends what was sent', async () => {
    const store = new HistoryStore(dir);
    const body = { resourceType: 'Observation', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } };
    await store.add({ ...entry('a', 0), method: 'POST', body });
    const [stored] = await store.list('a');
    assert.deepEqual(stored!.body, body);
  });

  it('writes atomically: concurrent adds all land, no temporary file is left', async () => {
    const store = new HistoryStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_v, i) => store.add(entry('a', i))));
    assert.equal((await new HistoryStore(dir).list('a')).length, 20);
    assert.deepEqual(await readdir(dir), ['request-history.json']);
  });

  it('deletes one entry and clears all; an unreadable file starts afresh', async () => {
    const store = new HistoryStore(dir);
    const first = await store.add(entry('a', 1));
    await store.add(entry('a', 2));
    assert.equal(await store.delete(first.id), true);
    assert.equal((await store.list('a')).length, 1);
    await store.clear();
    assert.equal((await store.list()).length, 0);
    await writeFile(path.join(dir, 'request-history.json'), '{not json');
    assert.deepEqual(await new HistoryStore(dir).list(), []);
  });
});
