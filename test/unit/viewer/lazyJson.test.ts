import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseDocument, scanArray, warmUpScanner } from '../../../src/webview/viewer/lazyJson';

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

describe('viewer lazy parsing: the array scan', () => {
  const scan = (text: string): string[] => {
    const bytes = new TextEncoder().encode(text);
    const { count, bounds, end } = scanArray(bytes, text.indexOf('['));
    assert.equal(end, bytes.length - (text.length - text.lastIndexOf(']') - 1));
    return Array.from({ length: count }, (_, i) =>
      new TextDecoder().decode(bytes.subarray(bounds[2 * i], bounds[2 * i + 1])).trim(),
    );
  };

  it('finds the elements, nested brackets, strings with delimiters and escapes included', () => {
    assert.deepEqual(scan('[]'), []);
    assert.deepEqual(scan('[ ]'), []);
    assert.deepEqual(scan('[1]'), ['1']);
    assert.deepEqual(scan('[ 1 , "a,]" ,{"b":[1,{"c":"}"}]}, [[]], "\\"]\\\\", null ]'), [
      '1',
      '"a,]"',
      '{"b":[1,{"c":"}"}]}',
      '[[]]',
      '"\\"]\\\\"',
      'null',
    ]);
    assert.deepEqual(scan('{"x": ["é,ü", "日本,"]}'), ['"é,ü"', '"日本,"']);
  });

  it('finds the end of strings of any length, with a quote or backslash at any offset of a word', () => {
    for (let length = 0; length < 24; length++) {
      for (let at = 0; at < length; at++) {
        for (const special of ['"', '\\', 'é', '"\\', '\\\\"', '日']) {
          const text = 'a'.repeat(at) + special + 'b'.repeat(length - at);
          const items = [text, `${text}",]`, 1, { [text]: [text] }];
          const json = JSON.stringify(items);
          for (const offset of [0, 1, 2, 3]) {
            const padded = ' '.repeat(offset) + json;
            assert.deepEqual(
              scan(padded).map((t) => JSON.parse(t) as unknown),
              items,
              padded,
            );
          }
        }
      }
    }
  });

  it('reads bytes that start inside a bigger buffer', () => {
    const json = JSON.stringify(['abcdefgh"ijklmnop', { a: 'qrstuvwxyz\\' }]);
    for (const offset of [1, 2, 3, 5]) {
      const whole = new TextEncoder().encode(`${'x'.repeat(offset)}${json}yyyy`);
      const bytes = whole.subarray(offset, whole.length - 4);
      const { count, bounds, end } = scanArray(bytes, 0);
      assert.equal(end, bytes.length);
      const items = Array.from(
        { length: count },
        (_, i) => JSON.parse(new TextDecoder().decode(bytes.subarray(bounds[2 * i], bounds[2 * i + 1]))) as unknown,
      );
      assert.deepEqual(items, JSON.parse(json));
    }
  });

  it('grows past its first thousand elements', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ i, s: `a,${i}]` }));
    assert.deepEqual(
      scan(JSON.stringify(items)),
      items.map((x) => JSON.stringify(x)),
    );
  });

  it('rejects broken structure: empty elements, unterminated strings and arrays, a stray brace', () => {
    for (const bad of ['[1,,2]', '[,1]', '[1,]', '[1', '["a]', '[1}', '[{"a":1]']) {
      assert.throws(() => scan(bad), SyntaxError, bad);
    }
  });

  it('property: the elements of any array are the JSON of its items', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' })), fc.boolean(), (items, pretty) => {
        const text = pretty ? JSON.stringify(items, null, 2) : JSON.stringify(items);
        assert.deepEqual(
          scan(text).map((t) => JSON.parse(t) as unknown),
          JSON.parse(text),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('viewer lazy parsing: warm-up', () => {
  it('scans its sample without error', () => {
    warmUpScanner();
  });
});
