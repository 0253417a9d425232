/**
 * GET /fhir/metadata: a CapabilityStatement naming the served types and the SMART security, as
 * FhirMetaDataRestController builds it (7.0.3: FhirMetaDataRestController.php:114-160; 8.x: also
 * supportedProfile per resource, RestControllerHelper.php:525).
 */
import type { CapabilityStatement } from 'fhir/r4';
import type { SimState } from '../state.js';
import { FHIR_TYPES, servedTypes } from './registry.js';

const WRITABLE = ['Patient', 'Practitioner', 'Organization'];

/** Capability::FHIR_SUPPORTED_CAPABILITIES, one extension each. */
export const SMART_CAPABILITIES = [
  'launch-ehr',
  'context-banner',
  'context-ehr-patient',
  'context-style',
  'sso-openid-connect',
  'client-confidential-symmetric',
  'permission-user',
  'context-standalone-patient',
  'launch-standalone',
  'permission-patient',
  'permission-offline',
  'client-public',
];

const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition/';
/** The US Core profiles 8.x names per resource (names after `us-core-`). */
const PROFILES: Record<string, string[]> = {
  AllergyIntolerance: ['allergyintolerance'],
  CarePlan: ['careplan'],
  CareTeam: ['careteam'],
  Condition: ['condition-problems-health-concerns', 'condition-encounter-diagnosis'],
  Coverage: ['coverage'],
  Device: ['implantable-device'],
  DiagnosticReport: ['diagnosticreport-lab', 'diagnosticreport-note'],
  DocumentReference: ['documentreference'],
  Encounter: ['encounter'],
  Goal: ['goal'],
  Immunization: ['immunization'],
  Location: ['location'],
  Medication: ['medication'],
  MedicationDispense: ['medicationdispense'],
  MedicationRequest: ['medicationrequest'],
  Observation: ['observation-lab', 'vital-signs', 'smokingstatus', 'observation-screening-assessment'],
  Organization: ['organization'],
  Patient: ['patient'],
  Practitioner: ['practitioner'],
  PractitionerRole: ['practitionerrole'],
  Procedure: ['procedure'],
  Provenance: ['provenance'],
  QuestionnaireResponse: ['questionnaireresponse'],
  RelatedPerson: ['relatedperson'],
  ServiceRequest: ['servicerequest'],
  Specimen: ['specimen'],
};

const SECURITY_SYSTEM = {
  7: 'http://hl7.org/fhir/restful-security-service',
  8: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
};

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
    software: { name: 'OpenEMR', version: state.release },
    implementation: { description: 'OpenEMR FHIR API', url: state.fhirBase(site) },
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            {
              coding: [{ system: SECURITY_SYSTEM[state.flavor], code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }],
              text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
            },
          ],
          extension: [
            ...(state.flavor === 7
              ? [
                  {
                    url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                    extension: [
                      { url: 'token', valueUri: `${oauth}/token` },
                      { url: 'authorize', valueUri: `${oauth}/authorize` },
                      { url: 'register', valueUri: `${oauth}/registration` },
                      { url: 'introspect', valueUri: `${oauth}/introspect` },
                    ],
                  },
                ]
              : []),
            ...SMART_CAPABILITIES.map((valueCode) => ({
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/capabilities',
              valueCode,
            })),
          ],
        },
        resource: [...servedTypes(state.flavor), 'Provenance', 'OperationDefinition', 'Group', 'Binary'].sort().map((type) => ({
          type,
          ...(state.flavor === 8 && PROFILES[type]
            ? { supportedProfile: PROFILES[type].map((p) => `${US_CORE}us-core-${p}`) }
            : {}),
          interaction: [
            { code: 'read' as const },
            ...(type === 'Binary' ? [] : [{ code: 'search-type' as const }]),
            ...(WRITABLE.includes(type) ? [{ code: 'create' as const }, { code: 'update' as const }] : []),
          ],
          searchParam: type === 'Binary' ? [] : searchParams(type),
        })),
        operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
      },
    ],
  };
}
