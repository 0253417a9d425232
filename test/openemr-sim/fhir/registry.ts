/** Which FHIR types exist and how each is built from the one data set: per patient, or shared. */
import type { FhirResource, Provenance } from 'fhir/r4';
import type { PatientRecord } from '../data/records.js';
import { pidOfUuid, type DataStore } from '../data/store.js';
import * as C from './map-clinical.js';
import * as F from './map-forms.js';
import * as O from './map-orders.js';
import * as P from './map-people.js';
import * as S from './map-shared.js';

export interface FhirType {
  /** the patient's resources of this type (patient-compartment types) */
  forPatient?: (data: DataStore, p: PatientRecord, fhirBase: string) => FhirResource[];
  /** every resource of this type (shared types) */
  shared?: (data: DataStore) => FhirResource[];
  /** served by 8.x only */
  since8?: true;
}

const kids = (data: DataStore, p: PatientRecord) => data.childrenOf(p.pid);

export const FHIR_TYPES: Record<string, FhirType> = {
  Patient: { forPatient: (_d, p) => [C.patientResource(p)] },
  Encounter: { forPatient: (d, p) => kids(d, p).encounter.map((e) => C.encounterResource(e, p)) },
  Observation: {
    forPatient: (d, p) => {
      const k = kids(d, p);
      const encounterUuid = (eid: unknown) => k.encounter.find((e) => e.id === eid)?.uuid;
      return [
        ...k.vital.flatMap((v) => C.vitalObservations(v, p, encounterUuid(v.eid))),
        ...k.lab_result.map((l) => C.labObservation(l, p)),
      ];
    },
  },
  AllergyIntolerance: { forPatient: (d, p) => kids(d, p).allergy.map((a) => C.allergyResource(a, p)) },
  Condition: { forPatient: (d, p) => kids(d, p).medical_problem.map((c) => C.conditionResource(c, p)) },
  MedicationRequest: { forPatient: (d, p) => kids(d, p).prescription.map((m) => C.medicationRequestResource(m, p)) },
  Immunization: { forPatient: (d, p) => kids(d, p).immunization.map((i) => C.immunizationResource(i, p)) },
  Procedure: { forPatient: (d, p) => kids(d, p).procedure.map((x) => C.procedureResource(x, p)) },
  DiagnosticReport: {
    forPatient: (d, p) => kids(d, p).procedure.map((x) => C.diagnosticReportResource(x, kids(d, p).lab_result, p)),
  },
  Coverage: { forPatient: (d, p) => kids(d, p).insurance.map((c) => C.coverageResource(c, p, d.globals.insurance_company)) },
  DocumentReference: {
    forPatient: (d, p, base) => kids(d, p).document.map((x) => C.documentReferenceResource(x, p, `${base}/Binary/${x.uuid}`)),
  },
  CareTeam: { forPatient: (d, p) => [C.careTeamResource(p, d)] },
  CarePlan: { forPatient: (d, p) => [C.carePlanResource(p, d)] },
  Goal: { forPatient: (d, p) => kids(d, p).medical_problem.map((c) => C.goalResource(c, p)) },
  Medication: { shared: (d) => d.globals.drug.map(S.medicationResource) },
  Practitioner: { shared: (d) => d.globals.practitioner.map(S.practitionerResource) },
  PractitionerRole: { shared: (d) => d.globals.practitioner.map((r) => S.practitionerRoleResource(r, d.globals.facility)) },
  Organization: {
    shared: (d) => [...d.globals.facility.map(S.facilityOrganization), ...d.globals.insurance_company.map(S.insurerOrganization)],
  },
  Location: { shared: (d) => d.globals.facility.map(S.locationResource) },
  Appointment: { forPatient: (d, p) => kids(d, p).appointment.map((a) => P.appointmentResource(a, p, d.globals)) },
  Device: { forPatient: (_d, p) => O.deviceResources(p) },
  MedicationDispense: {
    forPatient: (d, p) => kids(d, p).prescription.map((rx) => O.medicationDispenseResource(rx, p)),
    since8: true,
  },
  QuestionnaireResponse: { forPatient: (d, p) => F.questionnaireResponses(p, kids(d, p).encounter), since8: true },
  RelatedPerson: { forPatient: (_d, p) => [P.relatedPersonResource(p)], since8: true },
  ServiceRequest: {
    forPatient: (d, p) => kids(d, p).procedure.map((x) => O.serviceRequestResource(x, p, kids(d, p), d)),
    since8: true,
  },
  Specimen: { forPatient: (d, p) => kids(d, p).lab_result.map((l) => O.specimenResource(l, p, kids(d, p))), since8: true },
  Media: {
    forPatient: (d, p, base) => kids(d, p).document.map((x) => O.mediaResource(x, p, `${base}/Binary/${x.uuid}`)),
    since8: true,
  },
  Person: { shared: (d) => d.globals.user.map((u) => P.personResource(u, d.globals.practitioner)) },
  ValueSet: { shared: () => F.listValueSets() },
  Questionnaire: { shared: (d) => [F.phq2Questionnaire(d.seed)], since8: true },
};

/** The FHIR types a flavor serves through read and search (Provenance is built from their targets). */
export function servedTypes(flavor: 7 | 8): string[] {
  return Object.keys(FHIR_TYPES).filter((t) => flavor === 8 || !FHIR_TYPES[t].since8);
}

/** The patient whose compartment holds a resource id (ids embed the pid, see DataStore). */
export function patientOfId(data: DataStore, type: string, id: string): PatientRecord | undefined {
  if (type === 'Patient') return data.patientByUuid(id);
  return data.patientByPid(pidOfUuid(id.slice(0, 36)));
}

export function readResource(data: DataStore, type: string, id: string, fhirBase: string): FhirResource | undefined {
  const t = Object.hasOwn(FHIR_TYPES, type) ? FHIR_TYPES[type] : undefined;
  if (!t) return undefined;
  if (t.shared) return t.shared(data).find((r) => r.id === id);
  const p = patientOfId(data, type, id);
  return p && t.forPatient?.(data, p, fhirBase).find((r) => r.id === id);
}

export function provenanceFor(target: FhirResource, data: DataStore): Provenance {
  const org = data.globals.facility[0];
  return {
    resourceType: 'Provenance',
    id: `${target.resourceType}:${target.id}`,
    target: [{ reference: `${target.resourceType}/${target.id}` }],
    recorded: target.meta?.lastUpdated ?? '2025-12-31T00:00:00Z',
    agent: [
      {
        type: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author', display: 'Author' },
          ],
        },
        who: { reference: `Organization/${String(org.uuid)}` },
        onBehalfOf: { reference: `Organization/${String(org.uuid)}` },
      },
    ],
  };
}

export function readProvenance(data: DataStore, id: string, fhirBase: string): Provenance | undefined {
  const [type, targetId] = id.split(':');
  const target = targetId ? readResource(data, type, targetId, fhirBase) : undefined;
  return target && provenanceFor(target, data);
}
