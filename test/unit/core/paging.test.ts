import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fhirPage, fhirPageQuery, pageFromLink, readEnvelope, standardPage, standardPageQuery } from '../../../src/core';

describe('core/api paging and envelope', () => {
  it('reads the standard links quirk: _count means _limit', () => {
    assert.deepEqual(pageFromLink('https://emr/apis/default/api/patient?fname=a&_offset=20&_count=10'), {
      offset: 20,
      limit: 10,
    });
    assert.deepEqual(pageFromLink('&_offset=5&_limit=7'), { offset: 5, limit: 7 });
    assert.equal(pageFromLink('https://emr/x?nothing=1'), undefined);
    assert.equal(pageFromLink(undefined), undefined);
  });

  it('builds query parameters, capping the standard limit at 200', () => {
    assert.deepEqual(standardPageQuery({ limit: 500, offset: 40 }), { _limit: '200', _offset: '40' });
    assert.deepEqual(standardPageQuery({}), {});
    assert.deepEqual(fhirPageQuery({ limit: 20, offset: 0 }), { _count: '20' });
  });

  it('standard pages follow links.next, or guess from a full page', () => {
    const withLink = standardPage([1, 2], { next: 'http://x/api/patient?_offset=2&_count=2' }, { limit: 2, offset: 0 });
    assert.deepEqual(withLink.next, { offset: 2, limit: 2 });
    const full = standardPage([1, 2, 3], undefined, { limit: 3, offset: 3 });
    assert.deepEqual(full.next, { offset: 6, limit: 3 });
    assert.equal(standardPage([1], undefined, { limit: 3 }).next, undefined);
    assert.deepEqual(standardPage({ uuid: 'a' }, undefined, {}).items, [{ uuid: 'a' }]);
    assert.deepEqual(standardPage(null, undefined, {}).items, []);
  });

  it('FHIR pages: no next link, so a full page means maybe more; total only on the last page', () => {
    const bundle = (n: number) => ({
      resourceType: 'Bundle',
      type: 'collection',
      total: n,
      link: [{ relation: 'self', url: 'x' }],
      entry: Array.from({ length: n }, (_, i) => ({ resource: { resourceType: 'Patient', id: String(i) } })),
    });
    const page = fhirPage(bundle(10), { limit: 10, offset: 0 });
    assert.equal(page.items.length, 10);
    assert.deepEqual(page.next, { offset: 10, limit: 10 });
    assert.equal(page.total, undefined);
    const last = fhirPage(bundle(4), { limit: 10, offset: 10 });
    assert.equal(last.next, undefined);
    assert.equal(last.total, 14);
    assert.deepEqual(
      fhirPage(
        { link: [{ relation: 'next', url: 'http://x/fhir/Patient?_offset=30&_count=15' }], entry: [] },
        { limit: 15, offset: 15 },
      ).next,
      { offset: 30, limit: 15 },
    );
  });

  it('reads envelopes defensively', () => {
    assert.equal(readEnvelope([1, 2]), undefined);
    assert.equal(readEnvelope({ resourceType: 'Bundle' }), undefined);
    const env = readEnvelope({ validationErrors: [], internalErrors: [], data: [{ a: 1 }], links: { first: 'f', next: 7 } });
    assert.deepEqual(env, {
      data: [{ a: 1 }],
      validationErrors: undefined,
      internalErrors: undefined,
      links: { first: 'f', previous: undefined, next: undefined },
    });
    assert.deepEqual(readEnvelope({ validationErrors: { fname: 'bad' }, data: null })?.validationErrors, { fname: 'bad' });
  });

  it('property: hostile links never throw and yield non-negative integers', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl({ withQueryParameters: true }),
          fc.stringMatching(/^[?&]?(_offset|_count|_limit)=-?\d{0,12}(&_count=\d{0,3})?$/),
        ),
        (link) => {
          const page = pageFromLink(link);
          for (const v of [page?.offset, page?.limit]) if (v !== undefined) assert.ok(Number.isInteger(v) && v >= 0);
        },
      ),
    );
  });

  it('property: envelopes and bundles of any shape give arrays', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (body, links) => {
        const env = readEnvelope(body);
        const page = standardPage(
          env?.data,
          typeof links === 'object' && links && !Array.isArray(links) ? (links as never) : undefined,
          { limit: 5 },
        );
        assert.ok(Array.isArray(page.items));
        assert.ok(Array.isArray(fhirPage(body, { limit: 5 }).items));
      }),
    );
  });
});
