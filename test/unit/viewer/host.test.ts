import { strict as assert } from 'node:assert';
import { ownBytes, parseOpenArgs, ViewerArgumentError } from '../../../src/viewer/openArgs';
import { isWebviewToHost } from '../../../src/viewer/protocol';
import { readableTitle, resolveReference } from '../../../src/viewer/references';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('viewer host: command arguments', () => {
  it('accepts a parsed value, a JSON string or bytes', () => {
    const fromValue = parseOpenArgs({ title: 'P', json: { a: 1 } });
    assert.equal(fromValue.kind, 'document');
    assert.equal(fromValue.kind === 'document' && text(fromValue.bytes), '{"a":1}');
    const fromString = parseOpenArgs({
      title: 'S',
      json: '[1, 2]',
      request: { method: 'GET', url: 'u', status: 200, timeMs: 3, sizeBytes: 6 },
    });
    assert.ok(fromString.kind === 'document');
    assert.equal(text(fromString.bytes), '[1, 2]');
    assert.deepEqual(fromString.request, { method: 'GET', url: 'u', status: 200, timeMs: 3, sizeBytes: 6 });
    const fromBytes = parseOpenArgs({ title: 'B', json: new TextEncoder().encode('true'), serverId: 's1' });
    assert.ok(fromBytes.kind === 'document' && fromBytes.serverId === 's1');
  });

  it('accepts { serverId, path } with a path relative to /apis/{site}', () => {
    assert.deepEqual(parseOpenArgs({ serverId: 's1', path: '/fhir/Patient?_count=20' }), {
      kind: 'remote',
      serverId: 's1',
      path: '/fhir/Patient?_count=20',
      title: undefined,
    });
  });

  it('rejects anything else with a message naming both forms', () => {
    for (const bad of [
      undefined,
      null,
      'x',
      {},
      { serverId: 's1' },
      { serverId: 's1', path: 'no-slash' },
      { title: 't', json: undefined },
    ]) {
      assert.throws(() => parseOpenArgs(bad), ViewerArgumentError);
    }
  });

  it('ownBytes copies a pooled Buffer slice so only the document is transferred', () => {
    const pooled = Buffer.from('{"small":true}');
    const own = ownBytes(pooled);
    assert.equal(own.byteLength, own.buffer.byteLength);
    assert.equal(text(own), '{"small":true}');
  });

  it('ownBytes turns a Buffer into a plain Uint8Array (a Buffer would be sent as JSON numbers)', () => {
    const big = Buffer.from('x'.repeat(100_000));
    const own = ownBytes(big);
    assert.equal(own.constructor, Uint8Array);
    assert.equal(own.buffer, big.buffer, 'no copy when the Buffer owns its memory');
    assert.equal(JSON.stringify({ own }).includes('"type":"Buffer"'), false);
  });
});

describe('viewer host: references and messages', () => {
  it('relative references resolve against the server FHIR API', () => {
    assert.deepEqual(resolveReference('Patient/123', 's1'), { kind: 'fetch', serverId: 's1', path: '/fhir/Patient/123' });
    const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    assert.equal(
      readableTitle(bytes({ resourceType: 'Encounter', id: '2514bd89', type: [{ text: 'Office visit' }] })),
      'Encounter: Office visit',
      'a referenced resource is titled like a tree row',
    );
    assert.equal(readableTitle(bytes({ resourceType: 'Bundle', entry: [] })), undefined);
    assert.equal(readableTitle(new TextEncoder().encode('not json')), undefined);
  });

  it('absolute references on the same FHIR base are fetched, others are external', () => {
    const url = 'https://emr.example/apis/default/fhir/Encounter?patient=1';
    assert.deepEqual(resolveReference('https://emr.example/apis/default/fhir/Patient/9', 's1', url), {
      kind: 'fetch',
      serverId: 's1',
      path: '/fhir/Patient/9',
    });
    assert.deepEqual(resolveReference('https://other.example/fhir/Patient/9', 's1', url), {
      kind: 'external',
      url: 'https://other.example/fhir/Patient/9',
    });
  });

  it('a document without a server explains why it cannot follow a reference', () => {
    const target = resolveReference('Patient/123', undefined);
    assert.equal(target.kind, 'unavailable');
    assert.match(target.kind === 'unavailable' ? target.reason : '', /not tied to a server/);
    assert.equal(resolveReference('javascript:alert(1)', 's1').kind, 'unavailable');
  });

  it('webview messages are checked before the host acts on them', () => {
    assert.equal(isWebviewToHost({ type: 'ready' }), true);
    assert.equal(isWebviewToHost({ type: 'openReference', reference: 'Patient/1' }), true);
    assert.equal(isWebviewToHost({ type: 'openReference' }), false);
    assert.equal(isWebviewToHost({ type: 'copy', text: 1, what: 'x' }), false);
    assert.equal(isWebviewToHost({ type: 'runScript' }), false);
    assert.equal(isWebviewToHost('ready'), false);
  });
});
