import assert from 'node:assert/strict';
import { describePatientSearch, parsePatientQuery, PatientQueryError } from '../../../src/explorer/search';

describe('explorer patient search', () => {
  it('reads a last name, "Last, First", "First Last" and a DOB', () => {
    assert.deepEqual(parsePatientQuery('Smith'), { lname: 'Smith' });
    assert.deepEqual(parsePatientQuery(' Smith, John '), { lname: 'Smith', fname: 'John' });
    assert.deepEqual(parsePatientQuery('John van Dyke'), { fname: 'John', lname: 'van Dyke' });
    assert.deepEqual(parsePatientQuery('1980-04-02'), { DOB: '1980-04-02' });
    assert.deepEqual(parsePatientQuery('   '), {});
  });

  it('reads any standard-API patient search field as field=value, case-insensitively', () => {
    assert.deepEqual(parsePatientQuery('city=Boston sex=Female'), { city: 'Boston', sex: 'Female' });
    assert.deepEqual(parsePatientQuery('dob=1990-01-01&postal_code=02139'), { DOB: '1990-01-01', postal_code: '02139' });
    assert.deepEqual(parsePatientQuery('street=12 Main St city=Salem'), { street: '12 Main St', city: 'Salem' });
  });

  it('rejects an unknown field and names the known ones', () => {
    assert.throws(
      () => parsePatientQuery('shoe_size=9'),
      (e: unknown) => e instanceof PatientQueryError && /shoe_size/.test(e.message) && /lname/.test(e.message),
    );
  });

  it('describes a filter for the view description, without the sort', () => {
    assert.equal(describePatientSearch({ lname: 'Smith', fname: 'John', _sort: 'lname' }), 'lname=Smith, fname=John');
    assert.equal(describePatientSearch({}), '');
  });
});
