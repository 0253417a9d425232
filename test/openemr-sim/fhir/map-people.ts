/** Appointment (from the standard API's appointments), Person (OpenEMR users) and RelatedPerson (a contact per patient). */
import type { Appointment, Person, RelatedPerson } from 'fhir/r4';
import { Rng } from '../data/prng.js';
import { num, str, type ChildRow, type PatientRecord, type Row } from '../data/records.js';
import type { GlobalTables } from '../data/generate.js';
import * as V from '../data/vocabulary.js';
import { derivedUuid, meta, patientRef } from './common.js';

/** OpenEMR appointment status letters (list `apptstat`) to FHIR Appointment.status. */
const APPOINTMENT_STATUS: Record<string, Appointment['status']> = {
  '-': 'booked',
  '@': 'arrived',
  '>': 'fulfilled',
  '<': 'checked-in',
  x: 'cancelled',
  '?': 'noshow',
  '~': 'arrived',
};

/** "9:5:0" or "09:05" to "09:05:00". */
function clock(time: string): string {
  const [h = '0', m = '0', s = '0'] = time.split(':');
  return [h, m, s].map((x) => String(Number(x) || 0).padStart(2, '0')).join(':');
}

export function appointmentResource(a: ChildRow, p: PatientRecord, globals: GlobalTables): Appointment {
  const start = new Date(`${str(a, 'pc_eventDate')}T${clock(str(a, 'pc_startTime'))}Z`);
  const seconds = num(a, 'pc_duration') || 900;
  const valid = !Number.isNaN(start.getTime());
  const doctor = globals.practitioner.find((d) => d.id === a.pc_aid);
  const facility = globals.facility.find((f) => f.id === a.pc_facility);
  return {
    resourceType: 'Appointment',
    id: a.uuid,
    meta,
    status: APPOINTMENT_STATUS[str(a, 'pc_apptstatus')] ?? 'booked',
    serviceCategory: [
      {
        coding: [
          {
            system: 'http://open-emr.org/codes/appointment-category',
            code: str(a, 'pc_catid'),
            display: str(a, 'pc_catname') || str(a, 'pc_title'),
          },
        ],
      },
    ],
    description: str(a, 'pc_title'),
    ...(valid
      ? {
          start: start.toISOString().replace('.000', ''),
          end: new Date(start.getTime() + seconds * 1000).toISOString().replace('.000', ''),
        }
      : {}),
    minutesDuration: Math.round(seconds / 60),
    ...(str(a, 'pc_hometext') ? { comment: str(a, 'pc_hometext') } : {}),
    participant: [
      { actor: { ...patientRef(p), display: `${p.fname} ${p.lname}` }, status: 'accepted' },
      ...(doctor
        ? [
            {
              actor: {
                reference: `Practitioner/${str(doctor, 'uuid')}`,
                display: `${str(doctor, 'fname')} ${str(doctor, 'lname')}`,
              },
              status: 'accepted' as const,
            },
          ]
        : []),
      ...(facility
        ? [
            {
              actor: { reference: `Location/${str(facility, 'uuid')}`, display: str(facility, 'name') },
              status: 'accepted' as const,
            },
          ]
        : []),
    ],
  };
}

/** OpenEMR serves its users as Person; users who are practitioners link to their Practitioner. */
export function personResource(u: Row, practitioners: Row[]): Person {
  const isPractitioner = practitioners.some((d) => d.uuid === u.uuid);
  return {
    resourceType: 'Person',
    id: str(u, 'uuid'),
    meta,
    active: num(u, 'active') === 1,
    name: [
      {
        use: 'official',
        family: str(u, 'lname'),
        given: [str(u, 'fname')],
        ...(str(u, 'title') ? { prefix: [str(u, 'title')] } : {}),
      },
    ],
    ...(isPractitioner ? { link: [{ target: { reference: `Practitioner/${str(u, 'uuid')}` } }] } : {}),
  };
}

const RELATIONSHIPS = [
  { code: 'SPS', display: 'spouse' },
  { code: 'MTH', display: 'mother' },
  { code: 'FTH', display: 'father' },
  { code: 'CHILD', display: 'child' },
  { code: 'SIB', display: 'sibling' },
  { code: 'FRND', display: 'unrelated friend' },
] as const;

/** Every patient has one emergency contact. */
export function relatedPersonResource(p: PatientRecord): RelatedPerson {
  const rng = new Rng(p.uuid, 'RelatedPerson');
  const relation = rng.pick(RELATIONSHIPS);
  const female = rng.chance(0.5);
  return {
    resourceType: 'RelatedPerson',
    id: derivedUuid(p.uuid, 'RelatedPerson'),
    meta,
    active: true,
    patient: patientRef(p),
    relationship: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: relation.code, display: relation.display }],
      },
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'C', display: 'Emergency Contact' }] },
    ],
    name: [
      {
        use: 'official',
        family: relation.code === 'FRND' ? rng.pick(V.LAST_NAMES) : p.lname,
        given: [female ? rng.pick(V.FEMALE_NAMES) : rng.pick(V.MALE_NAMES)],
      },
    ],
    telecom: [{ system: 'phone', value: `555-${rng.digits(3)}-${rng.digits(4)}`, use: 'mobile' }],
    gender: female ? 'female' : 'male',
    address: [{ line: [p.street], city: p.city, state: p.state, postalCode: p.postal_code, country: p.country_code }],
  };
}
