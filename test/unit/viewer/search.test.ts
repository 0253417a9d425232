import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { compileMatcher, searchAll, searchDocument } from '../../../src/webview/viewer/search';

const doc = {
  resourceType: 'Patient',
  name: [{ family: 'Smith', given: ['Anna', 'Maria'] }],
  birthDate: '1980-02-03',
  active: true,
  deceased: null,
  multipleBirthInteger: 2,
  smithField: 'x',
};

describe('viewer search', () => {
  it('finds values case-insensitively, in document order, with their paths', () => {
    const result = searchAll(doc, { query: 'smith', regex: false });
    assert.equal(result.count, 2);
    assert.deepEqual(result.matches, [
      { path: ['name', 0, 'family'], on: 'value' },
      { path: ['smithField'], on: 'key' },
    ]);
    assert.equal(result.done, true);
  });

  it('matches numbers, booleans and null by their JSON text', () => {
    assert.deepEqual(searchAll(doc, { query: 'true', regex: false }).matches, [{ path: ['active'], on: 'value' }]);
    assert.deepEqual(searchAll(doc, { query: 'null', regex: false }).matches, [{ path: ['deceased'], on: 'value' }]);
    assert.equal(searchAll(doc, { query: '2', regex: false }).count, 2); // 1980-02-03 and 2
  });

  it('treats the query literally unless regex is on', () => {
    assert.equal(searchAll(doc, { query: 'A.na', regex: false }).count, 0);
    assert.equal(searchAll(doc, { query: 'A.na', regex: true }).count, 1);
    assert.equal(searchAll(doc, { query: '^\\d{4}-\\d{2}-\\d{2}$', regex: true }).count, 1);
  });

  it('throws on an invalid regex', () => {
    assert.throws(() => compileMatcher('(', true), SyntaxError);
    assert.doesNotThrow(() => compileMatcher('(', false));
  });

  it('counts every match but keeps only maxStored paths', () => {
    const many = Array.from({ length: 500 }, () => 'hit');
    const result = searchAll(many, { query: 'hit', regex: false, maxStored: 10 });
    assert.equal(result.count, 500);
    assert.equal(result.matches.length, 10);
    assert.deepEqual(result.matches[9].path, [9]);
  });

  it('yields between chunks before finishing', () => {
    const run = searchDocument(
      Array.from({ length: 1000 }, (_, i) => `v${i}`),
      { query: 'v99', regex: false, chunkSize: 100 },
    );
    let yields = 0;
    let step = run.next();
    while (!step.done) {
      yields++;
      assert.equal(step.value.done, false);
      step = run.next();
    }
    assert.ok(yields >= 9, `expected at least 9 pauses, got ${yields}`);
    assert.equal(step.value.count, 11); // v99, v990..v999
  });

  it('reads an array one element at a time, so the first slice of a huge list reads only a slice of it', () => {
    // A lazily parsed Bundle parses an entry when it is read: count the reads of each element.
    const read = new Set<string>();
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ resource: { id: `p${i}` } }));
    const entry = new Proxy(entries, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) read.add(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const run = searchDocument({ resourceType: 'Bundle', entry }, { query: 'p1', regex: false, chunkSize: 100 });
    const first = run.next().value;
    assert.ok(first.count > 0, 'the first slice already found a match');
    assert.ok(read.size <= 100, `the first slice read ${read.size} entries`);
    let step = run.next();
    while (!step.done) step = run.next();
    const last = step.value;
    assert.equal(read.size, 10_000);
    assert.equal(last.count, searchAll({ entry: entries }, { query: 'p1', regex: false }).count);
  });

  it('property: the count equals a brute-force count of matching keys and leaves', () => {
    const brute = (v: unknown, re: RegExp): number => {
      if (Array.isArray(v)) return v.reduce<number>((n, c) => n + brute(c, re), 0);
      if (typeof v === 'object' && v !== null) {
        return Object.entries(v).reduce<number>((n, [k, c]) => n + (re.test(k) ? 1 : 0) + brute(c, re), 0);
      }
      return re.test(String(v)) ? 1 : 0;
    };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('a', 'e', '1', 'x', 'true'), (value, query) => {
        assert.equal(searchAll(value, { query, regex: false }).count, brute(value, new RegExp(query, 'i')));
      }),
      { numRuns: 200 },
    );
  });
});
