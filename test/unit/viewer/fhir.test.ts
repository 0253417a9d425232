import { strict as assert } from 'node:assert';
import {
  bundleEntries,
  bundleRow,
  envelopeErrors,
  followableReference,
  isHttpUrl,
  summarizeResource,
} from '../../../src/webview/viewer/fhir';
import { copyText, previewText, resourceHint } from '../../../src/webview/viewer/rowText';

const patient = {
  resourceType: 'Patient',
  id: 'p-1',
  name: [{ use: 'official', family: 'Doe', given: ['Jane', 'Q'] }],
  birthDate: '1975-04-12',
  gender: 'female',
  identifier: [{ type: { coding: [{ code: 'PT' }] }, value: '1001' }],
  telecom: [{ system: 'phone', value: '555-0100' }],
};

describe('viewer FHIR summaries', () => {
  it('Patient card: name, DOB, sex, identifiers, contact', () => {
    const card = summarizeResource(patient);
    assert.equal(card?.title, 'Jane Q Doe');
    assert.deepEqual(card?.fields, [
      ['DOB', '1975-04-12'],
      ['Sex', 'female'],
      ['Identifiers', 'PT: 1001'],
      ['Contact', 'phone 555-0100'],
    ]);
  });

  it('Observation card shows the value with its unit, or its components', () => {
    const obs = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'Glucose' },
      valueQuantity: { value: 5.4, unit: 'mmol/L' },
    };
    assert.deepEqual(summarizeResource(obs)?.fields[0], ['Value', '5.4 mmol/L']);
    const bp = {
      resourceType: 'Observation',
      code: { coding: [{ display: 'Blood pressure' }] },
      component: [
        { code: { text: 'Systolic' }, valueQuantity: { value: 120, unit: 'mm[Hg]' } },
        { code: { text: 'Diastolic' }, valueQuantity: { value: 80, unit: 'mm[Hg]' } },
      ],
    };
    const card = summarizeResource(bp);
    assert.equal(card?.title, 'Blood pressure');
    assert.deepEqual(card?.fields[0], ['Value', 'Systolic 120 mm[Hg], Diastolic 80 mm[Hg]']);
  });

  it('Encounter, Condition, MedicationRequest and AllergyIntolerance get cards', () => {
    const cards = [
      { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { start: '2024-01-01' } },
      { resourceType: 'Condition', code: { text: 'Asthma' }, clinicalStatus: { coding: [{ code: 'active' }] } },
      {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: { text: 'Amoxicillin' },
      },
      { resourceType: 'AllergyIntolerance', code: { text: 'Penicillin' }, reaction: [{ manifestation: [{ text: 'Hives' }] }] },
    ].map(summarizeResource);
    assert.deepEqual(
      cards.map((c) => c?.title),
      ['AMB', 'Asthma', 'Amoxicillin', 'Penicillin'],
    );
    assert.deepEqual(cards[1]?.fields[0], ['Clinical status', 'active']);
    assert.deepEqual(
      cards[3]?.fields.find((f) => f[0] === 'Reaction'),
      ['Reaction', 'Hives'],
    );
  });

  it('other resources and malformed ones have no card', () => {
    assert.equal(summarizeResource({ resourceType: 'Practitioner' }), undefined);
    assert.equal(summarizeResource({ data: [] }), undefined);
    assert.equal(summarizeResource({ resourceType: 'Patient', name: 'not-an-array' })?.title, 'Patient');
  });

  it('Bundle rows give type, id and display per entry', () => {
    const entries = bundleEntries({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: patient }, { fullUrl: 'x' }],
    });
    assert.deepEqual(entries?.map(bundleRow), [
      { index: 0, type: 'Patient', id: 'p-1', display: 'Jane Q Doe' },
      { index: 1, type: '', id: '', display: '' },
    ]);
    assert.equal(bundleEntries(patient), undefined);
    assert.deepEqual(bundleEntries({ resourceType: 'Bundle' }), []);
  });
});

describe('viewer links and envelope', () => {
  it('only reference keys holding Type/id (or an absolute URL to one) are followable', () => {
    assert.equal(followableReference('reference', 'Patient/123'), 'Patient/123');
    assert.equal(followableReference('reference', 'Practitioner/a-b.c/_history/2'), 'Practitioner/a-b.c/_history/2');
    assert.equal(
      followableReference('reference', 'https://h/apis/default/fhir/Patient/9'),
      'https://h/apis/default/fhir/Patient/9',
    );
    assert.equal(followableReference('reference', '#contained-1'), undefined);
    assert.equal(followableReference('reference', 'javascript:alert(1)'), undefined);
    assert.equal(followableReference('display', 'Patient/123'), undefined);
  });

  it('only http(s) URLs are links', () => {
    assert.equal(isHttpUrl('https://example.org/x'), true);
    assert.equal(isHttpUrl('HTTP://example.org'), true);
    assert.equal(isHttpUrl('javascript:alert(1)'), false);
    assert.equal(isHttpUrl('data:text/html,<b>'), false);
    assert.equal(isHttpUrl('https://exa mple.org'), false);
  });

  it('flattens validationErrors (object or list) and internalErrors', () => {
    const errors = envelopeErrors({
      validationErrors: { fname: 'is required', DOB: ['must be a date'] },
      internalErrors: ['db down'],
      data: null,
    });
    assert.deepEqual(errors, { validation: ['fname: is required', 'DOB: must be a date'], internal: ['db down'] });
    assert.deepEqual(envelopeErrors({ validationErrors: [], internalErrors: [], data: [] }), { validation: [], internal: [] });
    assert.deepEqual(envelopeErrors({ resourceType: 'Patient' }), { validation: [], internal: [] });
  });

  it('row text: previews, hints and copy text', () => {
    assert.equal(previewText('<img src=x onerror=alert(1)>'), '"<img src=x onerror=alert(1)>"');
    assert.equal(previewText([1, 2]), '[2 items]');
    assert.equal(previewText({ a: 1 }), '{1 key}');
    assert.equal(previewText('x'.repeat(1000)).length, 403);
    assert.equal(resourceHint({ fullUrl: 'u', resource: patient }), 'Patient/p-1');
    assert.equal(resourceHint({ a: 1 }), '');
    assert.equal(copyText('plain'), 'plain');
    assert.equal(copyText({ a: 1 }), '{\n  "a": 1\n}');
  });
});
