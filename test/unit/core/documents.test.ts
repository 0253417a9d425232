import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemorySecretStore, OpenEmrClient, TokenSession, type StandardPatient } from '../../../src/core';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, type SimContext } from './sim-helpers';

/** Documents are files, often binary (PDF, images): a download must hand back the exact bytes. */
describe('core/api/client document download', () => {
  let ctx: SimContext;
  let api: OpenEmrClient;
  const scopes = ['openid', 'api:oemr', 'user/patient.read', 'user/document.read', 'user/document.write'];

  before(async () => {
    ctx = await startSim();
    const oauth = oauthFor(ctx, await enabledClient(ctx, { scopes }));
    const session = new TokenSession({ oauth, secrets: new MemorySecretStore(), key: 'documents' });
    await session.signedIn(await adminPasswordTokens(oauth, scopes));
    api = new OpenEmrClient({ http: ctx.http, tokens: session });
  });
  after(() => ctx.close());

  it('returns the uploaded binary file byte for byte', async () => {
    const [patient] = (await api.listPatients({}, { limit: 1 })).items as [StandardPatient];
    const file = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4096), Buffer.from([0, 0xff, 0xfe, 0x80])]);
    const boundary = 'openemr-test-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const category = 'Lab Report';
    const upload = await api.request('POST', `/api/patient/${patient.pid}/document`, body, {
      query: { path: category },
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(upload.error, undefined);
    const listed = await api.request('GET', `/api/patient/${patient.pid}/document`, undefined, { query: { path: category } });
    const rows = listed.body as Array<{ id: string; filename: string }>;
    const row = rows.find((r) => r.filename === 'scan.pdf');
    assert.ok(row, 'the uploaded document is listed');
    const download = await api.request('GET', `/api/patient/${patient.pid}/document/${row.id}`);
    assert.equal(download.contentType, 'application/pdf');
    assert.ok(download.bytes.equals(file), 'downloaded bytes equal the uploaded ones');
  });
});
