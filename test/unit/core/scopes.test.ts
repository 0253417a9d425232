import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isScopeValidForPublicClient,
  isValidPermissionLetters,
  joinScopes,
  parseScope,
  SCOPE_CATALOG,
  SCOPE_PRESETS,
  scopeCatalog,
  scopeCovers,
  splitScopes,
} from '../../../src/core';

describe('core/catalog/scopes', () => {
  it('parses v1, v2, narrowed, operation and identity scopes', () => {
    assert.deepEqual(parseScope('user/patient.read'), {
      raw: 'user/patient.read',
      kind: 'resource',
      context: 'user',
      resource: 'patient',
      api: 'standard',
      version: 1,
      permissions: 'rs',
    });
    const v2 = parseScope(
      'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
    );
    assert.equal(v2.kind, 'resource');
    assert.equal(v2.api, 'fhir');
    assert.equal(v2.version, 2);
    assert.equal(v2.query, 'category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory');
    assert.equal(parseScope('user/Patient.write').permissions, 'cud');
    assert.equal(parseScope('system/*.$export').kind, 'operation');
    assert.equal(parseScope('system/*.$export').operation, '$export');
    assert.equal(parseScope('openid').kind, 'identity');
    assert.equal(parseScope('launch/patient').kind, 'launch');
    assert.equal(parseScope('api:oemr').kind, 'api-gate');
    assert.equal(parseScope('site:default').kind, 'site');
  });

  it('rejects wrong letter order, repeats and malformed scopes', () => {
    for (const bad of [
      'user/Patient.sr',
      'user/Patient.rr',
      'user/Patient.x',
      'user/Patient.',
      'admin/Patient.read',
      'user/Patient.read?x=1',
      '',
      'launch/encounter',
    ]) {
      assert.equal(parseScope(bad).kind, 'unknown', bad);
    }
    assert.equal(isValidPermissionLetters('cruds'), true);
    assert.equal(isValidPermissionLetters('cud'), true);
    assert.equal(isValidPermissionLetters('dc'), false);
    assert.equal(isValidPermissionLetters(''), false);
  });

  it('checks coverage the way OpenEMR 8.x does', () => {
    assert.equal(scopeCovers(['user/patient.read'], 'user/patient.s'), true);
    assert.equal(scopeCovers(['user/patient.read'], 'user/patient.r'), true);
    assert.equal(scopeCovers(['user/patient.read'], 'user/patient.c'), false);
    assert.equal(scopeCovers(['user/patient.write'], 'user/patient.u'), true);
    assert.equal(scopeCovers(['user/patient.crus'], 'user/patient.d'), false);
    assert.equal(scopeCovers(['patient/patient.read'], 'user/patient.s'), false);
    assert.equal(scopeCovers(['system/*.rs'], 'system/Patient.rs'), true);
    assert.equal(scopeCovers(['patient/Observation.rs?category=x'], 'patient/Observation.rs'), false);
    assert.equal(scopeCovers(['system/*.$export'], 'system/*.$export'), true);
    assert.equal(scopeCovers(['system/*.rs'], 'system/*.$export'), false);
    assert.equal(scopeCovers(['api:oemr'], 'api:oemr'), true);
    assert.equal(scopeCovers([], 'openid'), false);
  });

  it('knows which scopes a public client may hold', () => {
    assert.equal(isScopeValidForPublicClient('patient/Patient.read'), true);
    assert.equal(isScopeValidForPublicClient('openid'), true);
    assert.equal(isScopeValidForPublicClient('user/Patient.read'), false);
    assert.equal(isScopeValidForPublicClient('system/*.$export'), false);
  });

  it('builds a catalog that matches the facts and filters by server line', () => {
    const all = SCOPE_CATALOG.map((e) => e.scope);
    assert.equal(new Set(all).size, all.length, 'no duplicates');
    for (const s of [
      'user/patient.read',
      'user/medical_problem.write',
      'user/patient.crus',
      'patient/Patient.read',
      'system/Patient.read',
      'user/Patient.write',
      'patient/Observation.rs',
      'user/DocumentReference.$docref',
      'api:port',
    ]) {
      assert.ok(all.includes(s), s);
    }
    assert.ok(!all.includes('launch/encounter'));
    assert.ok(!all.includes('user/drug.write'));
    for (const e of SCOPE_CATALOG) assert.notEqual(parseScope(e.scope).kind, 'unknown', e.scope);
    const v7 = scopeCatalog({ flavor: 7 }).map((e) => e.scope);
    assert.ok(!v7.some((s) => parseScope(s).version === 2), '7.0.3 has no v2 scopes');
    assert.ok(!v7.some((s) => s.startsWith('system/')), 'system/ only with system scopes on');
    assert.ok(scopeCatalog({ systemScopes: true }).some((e) => e.scope === 'system/*.$export'));
    assert.ok(scopeCatalog({ publicClient: true }).every((e) => e.publicClient));
  });

  it('offers presets that fit their client type', () => {
    for (const preset of Object.values(SCOPE_PRESETS)) {
      const scopes = preset.scopes();
      assert.ok(scopes.length > 3, preset.id);
      assert.deepEqual(splitScopes(scopes), scopes, `${preset.id} has no duplicates`);
      if (!preset.confidential) assert.ok(scopes.every(isScopeValidForPublicClient), preset.id);
    }
    const readOnly = SCOPE_PRESETS['read-only'].scopes();
    assert.ok(readOnly.every((s) => !/[cud]/.test(parseScope(s).permissions ?? '') && parseScope(s).kind !== 'operation'));
    assert.ok(readOnly.includes('user/Specimen.rs'), 'v2-only resources are reachable on 8.x');
    assert.ok(!SCOPE_PRESETS['read-only'].scopes({ flavor: 7 }).includes('user/Specimen.rs'));
    assert.ok(SCOPE_PRESETS['read-write'].scopes().includes('user/patient.write'));
    assert.ok(SCOPE_PRESETS['patient-app'].scopes().includes('launch/patient'));
    assert.ok(!SCOPE_PRESETS.everything.scopes({ flavor: 7 }).some((s) => parseScope(s).version === 2));
  });

  it('splits and joins scope strings, for any input', () => {
    assert.deepEqual(splitScopes('  openid   api:oemr openid\n user/patient.read '), ['openid', 'api:oemr', 'user/patient.read']);
    assert.equal(joinScopes(['a', 'b', 'a']), 'a b');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const parts = splitScopes(s);
        assert.ok(parts.every((p) => p.length > 0 && !/\s/.test(p)));
        assert.deepEqual(splitScopes(joinScopes(parts)), parts);
        for (const p of parts) assert.equal(parseScope(p).raw, p);
      }),
    );
  });

  it('never throws on hostile scopes, and v2 letters always come out in cruds order', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^(patient|user|system)\/[A-Za-z*]{1,8}\.[a-z$]{1,6}(\?.{0,10})?$/)),
        (s) => {
          const parsed = parseScope(s);
          if (parsed.permissions) assert.ok(isValidPermissionLetters(parsed.permissions));
          assert.equal(typeof scopeCovers([s], s), 'boolean');
        },
      ),
    );
  });
});
