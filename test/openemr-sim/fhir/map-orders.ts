/** Patient resources OpenEMR keeps in their own tables, derived here from the orders, labs, prescriptions and documents. */
import type { Device, Media, MedicationDispense, ServiceRequest, Specimen } from 'fhir/r4';
import { Rng } from '../data/prng.js';
import { num, str, type ChildRow, type PatientRecord } from '../data/records.js';
import type { Children } from '../data/generate.js';
import type { DataStore } from '../data/store.js';
import { derivedUuid, fhirDateTime, meta, patientRef } from './common.js';

const SNOMED = 'http://snomed.info/sct';

/** A procedure order is the ServiceRequest behind its Procedure, DiagnosticReport and Specimen. */
export function serviceRequestResource(order: ChildRow, p: PatientRecord, kids: Children, data: DataStore): ServiceRequest {
  const encounter = kids.encounter.find((e) => e.id === order.eid);
  const doctor = data.globals.practitioner.find((d) => d.id === order.provider_id);
  return {
    resourceType: 'ServiceRequest',
    id: derivedUuid(order.uuid, 'ServiceRequest'),
    meta,
    status: 'completed',
    intent: 'order',
    category: [{ coding: [{ system: SNOMED, code: '108252007', display: 'Laboratory procedure' }] }],
    code: {
      coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: str(order, 'code'), display: str(order, 'name') }],
      text: str(order, 'name'),
    },
    subject: patientRef(p),
    authoredOn: fhirDateTime(str(order, 'date')),
    ...(encounter ? { encounter: { reference: `Encounter/${encounter.uuid}` } } : {}),
    ...(doctor
      ? {
          requester: {
            reference: `Practitioner/${str(doctor, 'uuid')}`,
            display: `${str(doctor, 'fname')} ${str(doctor, 'lname')}`,
          },
        }
      : {}),
  };
}

/** The blood sample of each lab result. */
export function specimenResource(lab: ChildRow, p: PatientRecord, kids: Children): Specimen {
  const order = kids.procedure.find((o) => o.id === lab.procedure_id);
  return {
    resourceType: 'Specimen',
    id: derivedUuid(lab.uuid, 'Specimen'),
    meta,
    status: 'available',
    type: { coding: [{ system: SNOMED, code: '119297000', display: 'Blood specimen' }] },
    subject: patientRef(p),
    receivedTime: fhirDateTime(str(lab, 'date')),
    collection: { collectedDateTime: fhirDateTime(str(lab, 'date')) },
    ...(order ? { request: [{ reference: `ServiceRequest/${derivedUuid(order.uuid, 'ServiceRequest')}` }] } : {}),
  };
}

/** Each prescription was filled once. */
export function medicationDispenseResource(rx: ChildRow, p: PatientRecord): MedicationDispense {
  return {
    resourceType: 'MedicationDispense',
    id: derivedUuid(rx.uuid, 'MedicationDispense'),
    meta,
    status: 'completed',
    medicationCodeableConcept: {
      coding: [
        { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: str(rx, 'rxnorm_drugcode'), display: str(rx, 'drug') },
      ],
      text: str(rx, 'drug'),
    },
    subject: patientRef(p),
    authorizingPrescription: [{ reference: `MedicationRequest/${rx.uuid}` }],
    quantity: { value: num(rx, 'quantity') || 30, unit: 'each' },
    daysSupply: { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
    whenHandedOver: str(rx, 'start_date') || undefined,
    dosageInstruction: [{ text: str(rx, 'dosage') }],
  };
}

const IMPLANTS = [
  { code: '14106009', display: 'Cardiac pacemaker' },
  { code: '705643001', display: 'Coronary artery stent' },
  { code: '69805005', display: 'Insulin pump' },
] as const;

/** About a third of the patients have one implanted device (US Core Implantable Device). */
export function deviceResources(p: PatientRecord): Device[] {
  const rng = new Rng(p.uuid, 'Device');
  if (!rng.chance(0.35)) return [];
  const kind = rng.pick(IMPLANTS);
  const di = rng.digits(14);
  const lot = `L${rng.digits(5)}`;
  const serial = `SN${rng.digits(8)}`;
  return [
    {
      resourceType: 'Device',
      id: derivedUuid(p.uuid, 'Device'),
      meta,
      status: 'active',
      udiCarrier: [{ deviceIdentifier: di, carrierHRF: `(01)${di}(10)${lot}(21)${serial}` }],
      lotNumber: lot,
      serialNumber: serial,
      manufactureDate: `${2015 + rng.int(0, 8)}-0${rng.int(1, 9)}-15`,
      type: { coding: [{ system: SNOMED, code: kind.code, display: kind.display }], text: kind.display },
      patient: patientRef(p),
    },
  ];
}

const MEDIA_KINDS = ['image', 'video', 'audio'];

/** Each stored document as Media (8.x); the media type is set for images, video and audio. */
export function mediaResource(doc: ChildRow, p: PatientRecord, binaryUrl: string): Media {
  const kind = str(doc, 'mimetype').split('/')[0];
  return {
    resourceType: 'Media',
    id: derivedUuid(doc.uuid, 'Media'),
    meta,
    status: 'completed',
    ...(MEDIA_KINDS.includes(kind)
      ? { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/media-type', code: kind }] } }
      : {}),
    subject: patientRef(p),
    createdDateTime: str(doc, 'docdate') || undefined,
    content: { contentType: str(doc, 'mimetype'), url: binaryUrl, title: str(doc, 'filename') },
  };
}
