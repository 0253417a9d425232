/** FHIR resources for the shared tables: practitioners, facilities, insurers, drugs. */
import type { Location, Medication, Organization, Practitioner, PractitionerRole } from 'fhir/r4';
import { str, type Row } from '../data/records.js';
import { meta } from './common.js';

export function practitionerResource(r: Row): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: str(r, 'uuid'),
    meta,
    active: true,
    identifier: str(r, 'npi') ? [{ system: 'http://hl7.org/fhir/sid/us-npi', value: str(r, 'npi') }] : [],
    name: [
      {
        use: 'official',
        family: str(r, 'lname'),
        given: [str(r, 'fname')],
        ...(str(r, 'title') ? { prefix: [str(r, 'title')] } : {}),
      },
    ],
    telecom: [
      ...(str(r, 'phonew1') ? [{ system: 'phone' as const, value: str(r, 'phonew1'), use: 'work' as const }] : []),
      ...(str(r, 'email') ? [{ system: 'email' as const, value: str(r, 'email'), use: 'work' as const }] : []),
    ],
  };
}

export function practitionerRoleResource(r: Row, facilities: Row[]): PractitionerRole {
  const facility = facilities.find((f) => f.id === r.facility_id);
  return {
    resourceType: 'PractitionerRole',
    id: str(r, 'uuid'),
    meta,
    active: true,
    practitioner: { reference: `Practitioner/${str(r, 'uuid')}`, display: `${str(r, 'fname')} ${str(r, 'lname')}` },
    ...(facility
      ? {
          organization: { reference: `Organization/${str(facility, 'uuid')}`, display: str(facility, 'name') },
          location: [{ reference: `Location/${str(facility, 'uuid')}` }],
        }
      : {}),
    specialty: [{ text: str(r, 'specialty') }],
  };
}

export function facilityOrganization(f: Row): Organization {
  return {
    resourceType: 'Organization',
    id: str(f, 'uuid'),
    meta,
    active: true,
    name: str(f, 'name'),
    type: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov', display: 'Healthcare Provider' },
        ],
      },
    ],
    identifier: str(f, 'facility_npi') ? [{ system: 'http://hl7.org/fhir/sid/us-npi', value: str(f, 'facility_npi') }] : [],
    telecom: str(f, 'phone') ? [{ system: 'phone', value: str(f, 'phone'), use: 'work' }] : [],
    address: [
      {
        line: [str(f, 'street')],
        city: str(f, 'city'),
        state: str(f, 'state'),
        postalCode: str(f, 'postal_code'),
        country: str(f, 'country_code'),
      },
    ],
  };
}

export function insurerOrganization(c: Row): Organization {
  return {
    resourceType: 'Organization',
    id: str(c, 'uuid'),
    meta,
    active: true,
    name: str(c, 'name'),
    type: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'ins', display: 'Insurance Company' },
        ],
      },
    ],
  };
}

export function locationResource(f: Row): Location {
  return {
    resourceType: 'Location',
    id: str(f, 'uuid'),
    meta,
    status: 'active',
    name: str(f, 'name'),
    address: { line: [str(f, 'street')], city: str(f, 'city'), state: str(f, 'state'), postalCode: str(f, 'postal_code') },
    managingOrganization: { reference: `Organization/${str(f, 'uuid')}` },
  };
}

export function medicationResource(d: Row): Medication {
  return {
    resourceType: 'Medication',
    id: str(d, 'uuid'),
    meta,
    status: 'active',
    code: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: str(d, 'drug_code'), display: str(d, 'name') }],
      text: str(d, 'name'),
    },
  };
}
