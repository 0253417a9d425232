import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseDocument } from '../../../src/webview/viewer/lazyJson';

const eager = { minText: 0, minArray: 0 };
const materialize = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe('viewer lazy parsing', () => {
  it('property: equals JSON.parse for any value, compact or pretty-printed', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, pretty) => {
        const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        assert.deepEqual(materialize(parseDocument(text, eager)), JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('property: UTF-8 bytes parse like JSON.parse of their text, multi-byte characters and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4, stringUnit: 'grapheme' }), (value) => {
        const text = JSON.stringify({ entry: [value, value], last: value });
        const bytes = new TextEncoder().encode(text);
        assert.deepEqual(materialize(parseDocument(bytes, eager)), JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('defers big top-level arrays but reads like a plain array', () => {
    const text = JSON.stringify({ resourceType: 'Bundle', entry: [{ a: 1 }, { b: '"\\]}' }, [2, 3]], total: 3 });
    const doc = parseDocument(text, eager) as { entry: unknown[]; total: number };
    assert.equal(Array.isArray(doc.entry), true);
    assert.equal(doc.entry.length, 3);
    assert.deepEqual(doc.entry[1], { b: '"\\]}' });
    assert.deepEqual(Object.keys(doc), ['resourceType', 'entry', 'total']);
    assert.equal(doc.total, 3);
    assert.deepEqual(
      doc.entry.map((e) => typeof e),
      ['object', 'object', 'object'],
    );
  });

  it('keeps "__proto__" as an own property, like JSON.parse', () => {
    const doc = parseDocument('{"__proto__": {"polluted": true}, "x": [1]}', eager) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ['__proto__', 'x']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("reports invalid JSON with JSON.parse's own error", () => {
    assert.throws(() => parseDocument('{"a": [1, 2', eager), SyntaxError);
    assert.throws(() => parseDocument('[1, 2] trailing', eager), SyntaxError);
    assert.throws(() => parseDocument('{"a" 1}', eager), SyntaxError);
  });

  it('small texts go straight to JSON.parse (no proxy)', () => {
    const doc = parseDocument('{"entry": [1, 2, 3]}') as { entry: number[] };
    assert.equal(doc.entry.constructor, Array);
    assert.deepEqual(doc.entry, [1, 2, 3]);
  });
});
