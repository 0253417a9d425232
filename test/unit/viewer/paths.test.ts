import { strict as assert } from 'node:assert';
import { toFhirPath, toJsonPath } from '../../../src/webview/viewer/paths';

describe('viewer key paths', () => {
  it('JSONPath uses dots for identifiers, brackets for indexes and other keys', () => {
    assert.equal(toJsonPath([]), '$');
    assert.equal(toJsonPath(['entry', 2, 'resource', 'name', 0, 'family']), '$.entry[2].resource.name[0].family');
    assert.equal(toJsonPath(['a b', "it's", 'x-y']), "$['a b']['it\\'s']['x-y']");
  });

  it('FHIRPath starts at the resource type and types nested resources with ofType()', () => {
    const bundle = { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', name: [{ family: 'Doe' }] } }] };
    assert.equal(
      toFhirPath(bundle, ['entry', 0, 'resource', 'name', 0, 'family']),
      'Bundle.entry[0].resource.ofType(Patient).name[0].family',
    );
    assert.equal(toFhirPath(bundle, []), 'Bundle');
    assert.equal(toFhirPath({ resourceType: 'Patient', birthDate: 'x' }, ['birthDate']), 'Patient.birthDate');
  });

  it('FHIRPath is undefined outside FHIR (the standard API envelope)', () => {
    assert.equal(toFhirPath({ data: [] }, ['data']), undefined);
    assert.equal(toFhirPath([{ resourceType: 'Patient' }], [0]), undefined);
  });
});
