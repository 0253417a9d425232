/** Synthetic, deterministic FHIR Bundles of a target size for the viewer benchmark. */
const families = ['Smith', 'Johnson', 'Garcia', 'Nguyen', 'Okafor', 'Müller', 'Kowalski', 'Rossi', 'Tanaka', 'Silva'];
const givens = ['Anna', 'Ben', 'Chloé', 'Dmitri', 'Esther', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonah'];

function patient(i: number): object {
  return {
    resourceType: 'Patient',
    id: `pat-${i.toString(16).padStart(8, '0')}`,
    meta: {
      versionId: '1',
      lastUpdated: '2025-01-02T03:04:05+00:00',
      profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'],
    },
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PT' }] },
        system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
        value: String(1000 + i),
      },
    ],
    active: true,
    name: [{ use: 'official', family: families[i % 10], given: [givens[(i * 7) % 10]] }],
    telecom: [{ system: 'phone', value: `555-${String(i % 10000).padStart(4, '0')}`, use: 'home' }],
    gender: i % 2 ? 'female' : 'male',
    birthDate: `19${String(40 + (i % 60)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
    address: [{ line: [`${i} Main St`], city: 'Springfield', state: 'IL', postalCode: '62701' }],
  };
}

function observation(i: number): object {
  return {
    resourceType: 'Observation',
    id: `obs-${i.toString(16).padStart(8, '0')}`,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'Heart rate' },
    subject: { reference: `Patient/pat-${(i >> 1).toString(16).padStart(8, '0')}` },
    effectiveDateTime: '2025-03-04T05:06:07+00:00',
    valueQuantity: { value: 60 + (i % 40), unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

/** A `collection` Bundle (what OpenEMR returns for searches) of about `targetBytes` of JSON. */
export function syntheticBundle(targetBytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const resource = i % 2 === 0 ? patient(i) : observation(i);
    const entry = JSON.stringify({
      fullUrl: `https://emr.example/apis/default/fhir/${(resource as { resourceType: string }).resourceType}/${i}`,
      resource,
    });
    parts.push(entry);
    size += entry.length + 1;
  }
  const head = {
    resourceType: 'Bundle',
    id: 'bench',
    type: 'collection',
    total: parts.length,
    link: [{ relation: 'self', url: 'https://emr.example/apis/default/fhir/Patient' }],
  };
  return `${JSON.stringify(head).slice(0, -1)},"entry":[${parts.join(',')}]}`;
}
