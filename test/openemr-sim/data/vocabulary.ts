/** Word lists and code tables the synthetic data draws from. */

export const FEMALE_NAMES = [
  'Mary',
  'Patricia',
  'Jennifer',
  'Linda',
  'Elizabeth',
  'Barbara',
  'Susan',
  'Jessica',
  'Sarah',
  'Karen',
  'Nancy',
  'Lisa',
  'Maria',
  'Sofia',
  'Aisha',
  'Mei',
  'Priya',
  'Fatima',
  'Olga',
  'Camila',
] as const;
export const MALE_NAMES = [
  'James',
  'Robert',
  'John',
  'Michael',
  'David',
  'William',
  'Richard',
  'Joseph',
  'Thomas',
  'Charles',
  'Daniel',
  'Matthew',
  'Jose',
  'Ahmed',
  'Wei',
  'Raj',
  'Ivan',
  'Kwame',
  'Luis',
  'Kenji',
] as const;
export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Nguyen',
  'Patel',
  'Kim',
  'Chen',
  'Okafor',
  'Kowalski',
  'Novak',
  'Haddad',
  'Tanaka',
  'Silva',
] as const;
export const STREETS = [
  'Main',
  'Oak',
  'Pine',
  'Maple',
  'Cedar',
  'Elm',
  'Washington',
  'Lake',
  'Hill',
  'Park',
  'River',
  'Sunset',
  'Highland',
  'Church',
  'Mill',
] as const;
export const STREET_KINDS = ['St', 'Ave', 'Rd', 'Blvd', 'Ln', 'Dr', 'Ct'] as const;
export const PLACES: ReadonlyArray<readonly [city: string, state: string, zip: string]> = [
  ['Springfield', 'IL', '62701'],
  ['Portland', 'OR', '97201'],
  ['Austin', 'TX', '78701'],
  ['Madison', 'WI', '53703'],
  ['Burlington', 'VT', '05401'],
  ['Boise', 'ID', '83702'],
  ['Raleigh', 'NC', '27601'],
  ['Tucson', 'AZ', '85701'],
  ['Albany', 'NY', '12207'],
  ['Savannah', 'GA', '31401'],
  ['Fresno', 'CA', '93721'],
  ['Omaha', 'NE', '68102'],
];
export const RACES = ['white', 'black_or_afri_amer', 'asian', 'amer_ind_or_alaska_native', 'native_hawai_or_pac_island'] as const;
export const ETHNICITIES = ['not_hisp_or_latin', 'hisp_or_latin'] as const;

export interface CodedItem {
  title: string;
  code: string;
  system: string;
  display: string;
}

/** ICD-10 problems, with SNOMED-free displays kept short. */
export const PROBLEMS: readonly CodedItem[] = [
  { title: 'Essential hypertension', code: 'I10', system: 'ICD10', display: 'Essential (primary) hypertension' },
  {
    title: 'Type 2 diabetes mellitus',
    code: 'E11.9',
    system: 'ICD10',
    display: 'Type 2 diabetes mellitus without complications',
  },
  { title: 'Hyperlipidemia', code: 'E78.5', system: 'ICD10', display: 'Hyperlipidemia, unspecified' },
  { title: 'Asthma', code: 'J45.909', system: 'ICD10', display: 'Unspecified asthma, uncomplicated' },
  {
    title: 'Major depressive disorder',
    code: 'F32.9',
    system: 'ICD10',
    display: 'Major depressive disorder, single episode, unspecified',
  },
  { title: 'Osteoarthritis of knee', code: 'M17.9', system: 'ICD10', display: 'Osteoarthritis of knee, unspecified' },
  { title: 'Hypothyroidism', code: 'E03.9', system: 'ICD10', display: 'Hypothyroidism, unspecified' },
  {
    title: 'Gastro-esophageal reflux disease',
    code: 'K21.9',
    system: 'ICD10',
    display: 'Gastro-esophageal reflux disease without esophagitis',
  },
  {
    title: 'Chronic kidney disease, stage 3',
    code: 'N18.30',
    system: 'ICD10',
    display: 'Chronic kidney disease, stage 3 unspecified',
  },
  { title: 'Migraine', code: 'G43.909', system: 'ICD10', display: 'Migraine, unspecified, not intractable' },
];

export const ALLERGENS: ReadonlyArray<{ title: string; code: string; reaction: string }> = [
  { title: 'Penicillin', code: '7980', reaction: 'hives' },
  { title: 'Sulfonamides', code: '10180', reaction: 'rash' },
  { title: 'Peanut', code: '256349002', reaction: 'anaphylaxis' },
  { title: 'Latex', code: '111088007', reaction: 'itching' },
  { title: 'Aspirin', code: '1191', reaction: 'wheezing' },
  { title: 'Shellfish', code: '227037002', reaction: 'swelling' },
];
export const SEVERITIES = ['mild', 'moderate', 'severe'] as const;

/** Drugs with RxNorm codes; also the formulary of /api/drug. */
export const DRUGS: ReadonlyArray<{ name: string; rxnorm: string; dose: string; form: string }> = [
  { name: 'Lisinopril 10 MG Oral Tablet', rxnorm: '314076', dose: '1 tablet daily', form: 'tablet' },
  { name: 'Metformin 500 MG Oral Tablet', rxnorm: '860975', dose: '1 tablet twice daily', form: 'tablet' },
  { name: 'Atorvastatin 20 MG Oral Tablet', rxnorm: '617310', dose: '1 tablet at bedtime', form: 'tablet' },
  { name: 'Albuterol 90 MCG Inhaler', rxnorm: '745679', dose: '2 puffs as needed', form: 'inhaler' },
  { name: 'Sertraline 50 MG Oral Tablet', rxnorm: '312940', dose: '1 tablet daily', form: 'tablet' },
  { name: 'Levothyroxine 50 MCG Oral Tablet', rxnorm: '966222', dose: '1 tablet every morning', form: 'tablet' },
  { name: 'Omeprazole 20 MG Oral Capsule', rxnorm: '402014', dose: '1 capsule daily', form: 'capsule' },
  { name: 'Ibuprofen 400 MG Oral Tablet', rxnorm: '197805', dose: '1 tablet every 6 hours as needed', form: 'tablet' },
];

export const SURGERIES = [
  'Appendectomy',
  'Cholecystectomy',
  'Knee arthroscopy',
  'Tonsillectomy',
  'Cataract extraction',
  'Hernia repair',
] as const;
export const DENTAL_ISSUES = ['Dental caries', 'Gingivitis', 'Tooth extraction', 'Root canal'] as const;
export const ENCOUNTER_REASONS = [
  'Annual physical',
  'Follow-up visit',
  'Cough and fever',
  'Back pain',
  'Medication review',
  'Blood pressure check',
  'Diabetes follow-up',
  'Headache',
] as const;
export const VACCINES: ReadonlyArray<{ cvx: string; name: string }> = [
  { cvx: '140', name: 'Influenza, seasonal, injectable, preservative free' },
  { cvx: '208', name: 'COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose' },
  { cvx: '115', name: 'Tdap' },
  { cvx: '33', name: 'Pneumococcal polysaccharide PPV23' },
  { cvx: '121', name: 'Zoster live' },
];
export const LAB_TESTS: ReadonlyArray<{ loinc: string; name: string; unit: string; low: number; high: number }> = [
  { loinc: '4548-4', name: 'Hemoglobin A1c/Hemoglobin.total in Blood', unit: '%', low: 4.8, high: 9.5 },
  { loinc: '2093-3', name: 'Cholesterol [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 140, high: 260 },
  { loinc: '2345-7', name: 'Glucose [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 70, high: 180 },
  { loinc: '718-7', name: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/dL', low: 11, high: 17 },
];
export const PROCEDURES: ReadonlyArray<{ code: string; name: string }> = [
  { code: '80053', name: 'Comprehensive metabolic panel' },
  { code: '85025', name: 'Complete blood count with differential' },
  { code: '83036', name: 'Hemoglobin A1c' },
  { code: '93000', name: 'Electrocardiogram, complete' },
];
export const INSURANCE_COMPANIES = ['Blue Cross Blue Shield', 'Aetna', 'UnitedHealthcare', 'Cigna', 'Medicare'] as const;
export const INSURANCE_TYPES = ['primary', 'secondary', 'tertiary'] as const;
export const DOCUMENT_CATEGORIES = ['Medical Record', 'Lab Report', 'Patient Information'] as const;
export const PRACTITIONER_SPECIALTIES = [
  'Family Medicine',
  'Internal Medicine',
  'Pediatrics',
  'Cardiology',
  'Dermatology',
] as const;

/** Lists served by GET /api/list/:list_name. */
export const OPTION_LISTS: Record<string, ReadonlyArray<readonly [id: string, title: string]>> = {
  sex: [
    ['Female', 'Female'],
    ['Male', 'Male'],
    ['UNK', 'Unknown'],
  ],
  race: RACES.map((r) => [r, r.replace(/_/g, ' ')] as const),
  ethnicity: ETHNICITIES.map((e) => [e, e.replace(/_/g, ' ')] as const),
  marital: [
    ['married', 'Married'],
    ['single', 'Single'],
    ['divorced', 'Divorced'],
    ['widowed', 'Widowed'],
  ],
  language: [
    ['english', 'English'],
    ['spanish', 'Spanish'],
    ['chinese', 'Chinese'],
  ],
  medical_problem_issue_list: PROBLEMS.map((p) => [p.code, p.title] as const),
};
