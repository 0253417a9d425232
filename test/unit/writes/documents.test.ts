import assert from 'node:assert/strict';
import {
  describeChanges,
  diffFields,
  editableDocument,
  fieldProblems,
  locateField,
  parseDocument,
  recordDisplayName,
  recordWrites,
  createRoute,
  OpenEmrError,
} from '../../../src/core';

describe('writes: editable documents, diffs and field problems', () => {
  it('keeps what a standard PUT accepts and drops identity, derived and nested fields', () => {
    const doc = editableDocument('standard', {
      id: 7,
      uuid: '9a...',
      pid: 7,
      pubpid: '7',
      fname: 'Ann',
      lname: 'Lee',
      DOB: '1970-01-02',
      facility_uuid: 'f...',
      phone_home: null,
      addresses: [{ line1: 'x' }],
    });
    assert.deepEqual(doc, { fname: 'Ann', lname: 'Lee', DOB: '1970-01-02', phone_home: null });
  });

  it('keeps a FHIR resource with its id, without meta and narrative', () => {
    const doc = editableDocument('fhir', {
      resourceType: 'Patient',
      id: 'abc',
      meta: { versionId: '1' },
      text: { status: 'generated', div: '<div/>' },
      gender: 'female',
    });
    assert.deepEqual(doc, { resourceType: 'Patient', id: 'abc', gender: 'female' });
  });

  it('diffs field by field, ignoring key order, and describes each change', () => {
    const changes = diffFields({ a: 1, b: { x: 1, y: 2 }, c: 'gone' }, { b: { y: 2, x: 1 }, a: 2, d: 'new' });
    assert.deepEqual(
      changes.map((c) => [c.field, c.kind]),
      [
        ['a', 'changed'],
        ['d', 'added'],
        ['c', 'removed'],
      ],
    );
    assert.deepEqual(describeChanges(changes), ['a: 1 → 2', 'd: (new) → "new"', 'c: "gone" → (removed)']);
  });

  it('reads validationErrors in every shape OpenEMR sends, and OperationOutcome issues', () => {
    assert.deepEqual(fieldProblems({ validationErrors: { DOB: 'DOB must be a date' } }), [
      { field: 'DOB', message: 'DOB must be a date' },
    ]);
    assert.deepEqual(fieldProblems({ validationErrors: { lname: { Required: 'lname is required' } } }), [
      { field: 'lname', message: 'lname is required' },
    ]);
    assert.deepEqual(fieldProblems({ validationErrors: ['something is wrong'] }), [{ message: 'something is wrong' }]);
    assert.deepEqual(
      fieldProblems({
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', code: 'required', diagnostics: 'family is required', expression: ['Patient.name[0].family'] },
        ],
      }),
      [{ field: 'name', message: 'family is required' }],
    );
    assert.deepEqual(fieldProblems({ data: {} }), []);
  });

  it('finds a top-level key in the text, not a nested key of the same name', () => {
    const text = '{\n  "contact": { "DOB": "x" },\n  "DOB": "not-a-date"\n}';
    const range = locateField(text, 'DOB');
    assert.ok(range);
    assert.equal(text.slice(range.start, range.end), '"DOB"');
    assert.equal(text.lastIndexOf('"DOB"'), range.start);
    assert.equal(locateField(text, 'lname'), undefined);
    assert.ok(locateField('{"a\\"b": 1, "z": 2}', 'z'));
  });

  it('parses a document, dropping $schema, and explains bad JSON', () => {
    assert.deepEqual(parseDocument('{"$schema":"openemr:/x","fname":"A"}'), { fname: 'A' });
    assert.throws(
      () => parseDocument('{"fname": '),
      (e: unknown) => e instanceof OpenEmrError && /not valid JSON/.test(e.message),
    );
    assert.throws(
      () => parseDocument('[1]'),
      (e: unknown) => e instanceof OpenEmrError && /one JSON object/.test(e.message),
    );
  });

  it('names records for the delete confirmation', () => {
    assert.equal(recordDisplayName({ title: 'Penicillin', id: 3 }), 'Penicillin');
    assert.equal(recordDisplayName({ fname: 'Ann', lname: 'Lee', uuid: 'u' }), 'Ann Lee');
    assert.equal(recordDisplayName({ resourceType: 'Patient', id: 'p', name: [{ family: 'Lee', given: ['Ann'] }] }), 'Ann Lee');
    assert.equal(recordDisplayName({ resourceType: 'Observation', id: 'o1' }), 'Observation/o1');
  });

  it('knows the write routes of record and list paths from the catalog', () => {
    const patient = recordWrites('/api/patient/90cde167-7b9b-4ed1-bd55-533925cb2605');
    assert.equal(patient.update?.id, 'PUT /api/patient/:puuid');
    assert.equal(patient.delete, undefined);
    const allergy = recordWrites('/api/patient/p/allergy/a');
    assert.equal(allergy.delete?.id, 'DELETE /api/patient/:puuid/allergy/:auuid');
    assert.equal(recordWrites('/fhir/Observation/o').update, undefined);
    assert.equal(recordWrites('/fhir/Patient/p').update?.id, 'PUT /fhir/Patient/:id');
    assert.equal(createRoute('/api/patient/1/encounter/5/vital')?.id, 'POST /api/patient/:pid/encounter/:eid/vital');
    assert.equal(createRoute('/api/drug'), undefined);
  });
});
