import assert from 'node:assert/strict';
import {
  PATIENT_FHIR_GROUPS,
  PATIENT_PORTAL_GROUPS,
  PATIENT_STANDARD_GROUPS,
  type GroupSpec,
} from '../../../src/explorer/catalog';
import { gateGroup } from '../../../src/explorer/scopeGate';
import { roleOf } from '../../../src/explorer/source';

const group = (id: string, list: readonly GroupSpec[] = [...PATIENT_STANDARD_GROUPS, ...PATIENT_FHIR_GROUPS]): GroupSpec =>
  list.find((g) => g.id === id)!;

describe('explorer scope gating', () => {
  it('lets v1 .read and v2 .s/.rs scopes read a group, and nothing else', () => {
    const encounters = group('api:encounter');
    assert.equal(gateGroup(encounters, 'user', ['user/encounter.read']).readable, true);
    assert.equal(gateGroup(encounters, 'user', ['user/encounter.rs']).readable, true);
    assert.equal(gateGroup(encounters, 'user', ['user/encounter.r']).readable, false, 'r reads one record but cannot search');
    assert.equal(gateGroup(encounters, 'user', ['user/vital.read']).readable, false);
    assert.equal(gateGroup(encounters, 'user', ['user/*.read']).readable, true);
  });

  it('names the missing scope for the tooltip of a disabled group', () => {
    const result = gateGroup(group('fhir:Condition'), 'user', ['user/Patient.read']);
    assert.equal(result.readable, false);
    assert.equal(result.missingScope, 'user/Condition.read');
    assert.match(result.reason ?? '', /user\/Condition\.read.*user\/Condition\.rs/);
  });

  it('checks patient tokens against patient/ scopes, and portal groups always in the patient context', () => {
    assert.equal(gateGroup(group('fhir:Condition'), 'patient', ['patient/Condition.rs']).readable, true);
    assert.equal(gateGroup(group('fhir:Condition'), 'patient', ['user/Condition.rs', 'patient/Patient.rs']).readable, false);
    assert.equal(
      gateGroup(group('portal:encounter', PATIENT_PORTAL_GROUPS), 'patient', ['patient/encounter.read']).readable,
      true,
    );
  });

  it('accepts a v2 scope narrowed by category for a search', () => {
    assert.equal(
      gateGroup(group('fhir:Observation'), 'user', [
        'user/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
      ]).readable,
      true,
    );
  });

  it('checks the API gate scope only when the token shows api: scopes at all', () => {
    const conditions = group('fhir:Condition');
    assert.equal(gateGroup(conditions, 'user', ['user/Condition.read']).readable, true);
    const gated = gateGroup(conditions, 'user', ['api:oemr', 'user/Condition.read']);
    assert.equal(gated.readable, false);
    assert.equal(gated.missingScope, 'api:fhir');
  });

  it('reads everything when the scopes are unknown, and never a group OpenEMR cannot list', () => {
    assert.equal(gateGroup(group('api:encounter'), 'user', []).readable, true);
    const messages = gateGroup(group('api:message'), 'user', []);
    assert.equal(messages.readable, false);
    assert.match(messages.reason ?? '', /no route that lists/);
  });

  it('derives the token role from its scopes', () => {
    assert.equal(roleOf(['openid', 'user/patient.read', 'patient/Patient.read']), 'user');
    assert.equal(roleOf(['patient/Patient.rs', 'api:port']), 'patient');
    assert.equal(roleOf(['system/Patient.read']), 'system');
    assert.equal(roleOf([]), 'user');
  });
});
