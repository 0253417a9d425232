import assert from 'node:assert/strict';
import { fhirDisplay, newestFirst, patientLabel, rowLabel, shortDate } from '../../../src/explorer/labels';

describe('explorer labels', () => {
  it('shows a patient as "Last, First" with DOB and sex, and pid and uuid in the tooltip', () => {
    const view = patientLabel({ fname: 'Ada', lname: 'Lovelace', DOB: '1815-12-10', sex: 'Female', pid: 7, uuid: 'u-1' });
    assert.equal(view.label, 'Lovelace, Ada');
    assert.equal(view.description, '1815-12-10 · Female');
    assert.ok(view.tooltip.includes('pid 7'));
    assert.ok(view.tooltip.includes('uuid u-1'));
  });

  it('falls back to whatever part of a name exists', () => {
    assert.equal(patientLabel({ lname: 'Solo', uuid: 'x' }).label, 'Solo');
    assert.equal(patientLabel({ uuid: 'x' }).label, '(no name)');
  });

  it('labels an encounter by date and reason, a vital by date and main values, a problem by title', () => {
    assert.equal(
      rowLabel('encounter', { date: '2024-03-05 10:00:00', reason: 'Annual physical', uuid: 'e' }).label,
      '2024-03-05 · Annual physical',
    );
    const vital = rowLabel('vital', {
      date: '2024-03-05 10:00:00',
      bps: '120',
      bpd: '80',
      weight: '150',
      weight_unit: 'lb',
      temperature: '98.6',
      temperature_unit: 'F',
      id: 3,
    });
    assert.equal(vital.label, '2024-03-05 · BP 120/80 · 150 lb');
    assert.equal(vital.description, '98.6 °F');
    assert.equal(rowLabel('issue', { title: 'Hypertension', begdate: '2020-01-01', uuid: 'm' }).label, 'Hypertension');
  });

  it('uses the record id when a row has nothing readable, and clips long labels', () => {
    assert.equal(rowLabel('issue', { id: 42 }).label, '#42');
    assert.equal(rowLabel('transaction', {}).label, '(no id)');
    const long = rowLabel('issue', { title: 'x'.repeat(200), uuid: 'u' }).label;
    assert.equal(long.length, 80);
    assert.ok(long.endsWith('…'));
  });

  it("takes a FHIR resource's display text: name, code text, coding display, then type/id", () => {
    assert.deepEqual(
      fhirDisplay({
        resourceType: 'Condition',
        id: 'c1',
        code: { coding: [{ display: 'Asthma', code: '195967001' }] },
        recordedDate: '2022-02-02T00:00:00Z',
      }),
      ['Asthma', '2022-02-02'],
    );
    assert.equal(
      fhirDisplay({
        resourceType: 'Observation',
        id: 'o',
        code: { text: 'Blood pressure' },
        effectiveDateTime: '2023-01-01',
        status: 'final',
      })[1],
      '2023-01-01 · final',
    );
    assert.equal(
      fhirDisplay({
        resourceType: 'Observation',
        id: 'o',
        code: { text: 'Heart rate' },
        valueQuantity: { value: 72, unit: '/min' },
      })[0],
      'Heart rate: 72 /min',
    );
    assert.equal(
      fhirDisplay({
        resourceType: 'Observation',
        id: 'bp',
        code: { text: 'Blood pressure' },
        component: [
          { code: { text: 'Systolic' }, valueQuantity: { value: 120, unit: 'mm[Hg]' } },
          { code: { text: 'Diastolic' }, valueQuantity: { value: 80, unit: 'mm[Hg]' } },
        ],
      })[0],
      'Blood pressure: Systolic 120 mm[Hg], Diastolic 80 mm[Hg]',
    );
    const dated = (id: string, effectiveDateTime?: string) => ({ resourceType: 'Observation', id, effectiveDateTime });
    assert.deepEqual(
      [dated('old', '2020-01-01'), dated('none'), dated('new', '2024-05-01T10:00:00Z'), dated('mid', '2022-03-03')]
        .sort(newestFirst)
        .map((o) => o.id),
      ['new', 'mid', 'old', 'none'],
    );
    assert.equal(
      fhirDisplay({ resourceType: 'Immunization', id: 'i', vaccineCode: { coding: [{ display: 'Influenza' }] } })[0],
      'Influenza',
    );
    assert.equal(
      fhirDisplay({ resourceType: 'Practitioner', id: 'p', name: [{ family: 'House', given: ['Gregory'] }] })[0],
      'House, Gregory',
    );
    assert.equal(fhirDisplay({ resourceType: 'Location', id: 'l', name: 'Main clinic' })[0], 'Main clinic');
    assert.equal(fhirDisplay({ resourceType: 'Provenance', id: 'Condition:1' })[0], 'Provenance/Condition:1');
  });

  it('shortens dates and leaves other text alone', () => {
    assert.equal(shortDate('2024-01-02T03:04:05Z'), '2024-01-02');
    assert.equal(shortDate('yesterday'), 'yesterday');
    assert.equal(shortDate(undefined), '');
  });
});
