/** GET /fhir/metadata: a CapabilityStatement naming the served types and the SMART endpoints. */
import type { CapabilityStatement } from 'fhir/r4';
import type { SimState } from '../state.js';
import { FHIR_TYPES, servedTypes } from './registry.js';

const WRITABLE = ['Patient', 'Practitioner', 'Organization'];

type SearchParam = { name: string; type: 'token' | 'string' | 'date' | 'reference' };

function searchParams(type: string): SearchParam[] {
  const id: SearchParam = { name: '_id', type: 'token' };
  if (type === 'Patient')
    return [id, { name: 'name', type: 'string' }, { name: 'birthdate', type: 'date' }, { name: 'gender', type: 'token' }];
  if (FHIR_TYPES[type]?.forPatient) return [id, { name: 'patient', type: 'reference' }];
  return [id, { name: 'name', type: 'string' }];
}

export function capabilityStatement(state: SimState, site: string): CapabilityStatement {
  const oauth = state.oauthBase(site);
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2025-12-31',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/json'],
    software: { name: 'OpenEMR', version: state.flavor === 7 ? '7.0.3' : '8.0.1' },
    implementation: { description: 'OpenEMR FHIR API (simulator)', url: state.fhirBase(site) },
    rest: [
      {
        mode: 'server',
        security: {
          cors: true,
          service: [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [
                { url: 'token', valueUri: `${oauth}/token` },
                { url: 'authorize', valueUri: `${oauth}/authorize` },
                { url: 'register', valueUri: `${oauth}/registration` },
                { url: 'introspect', valueUri: `${oauth}/introspect` },
                { url: 'manage', valueUri: `${state.url}/interface/smart/admin-client.php` },
              ],
            },
          ],
        },
        resource: [...servedTypes(state.flavor), 'Provenance', 'OperationDefinition'].map((type) => ({
          type,
          interaction: [
            { code: 'read' as const },
            { code: 'search-type' as const },
            ...(WRITABLE.includes(type) ? [{ code: 'create' as const }, { code: 'update' as const }] : []),
          ],
          searchParam: searchParams(type),
        })),
        operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
      },
    ],
  };
}
