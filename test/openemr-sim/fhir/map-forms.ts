/** Questionnaire (the PHQ-2 screening, 8.x), its QuestionnaireResponse per patient, and ValueSets from OpenEMR's lists. */
import type { Questionnaire, QuestionnaireItemAnswerOption, QuestionnaireResponse, ValueSet } from 'fhir/r4';
import { Rng } from '../data/prng.js';
import { str, type ChildRow, type PatientRecord } from '../data/records.js';
import { OPTION_LISTS } from '../data/vocabulary.js';
import { derivedUuid, fhirDateTime, meta, patientRef } from './common.js';

const LOINC = 'http://loinc.org';
export const PHQ2_URL = 'http://loinc.org/q/55757-9';
const ANSWERS = [
  { code: 'LA6568-5', display: 'Not at all' },
  { code: 'LA6569-3', display: 'Several days' },
  { code: 'LA6570-1', display: 'More than half the days' },
  { code: 'LA6571-9', display: 'Nearly every day' },
] as const;
const QUESTIONS = [
  { linkId: '/44250-9', code: '44250-9', text: 'Little interest or pleasure in doing things' },
  { linkId: '/44255-8', code: '44255-8', text: 'Feeling down, depressed, or hopeless' },
] as const;
const TOTAL = { linkId: '/55758-7', code: '55758-7', text: 'Patient Health Questionnaire 2 item (PHQ-2) total score' } as const;

/** The one Questionnaire; its id is drawn from the seed so that it is stable across restarts. */
export function phq2Questionnaire(seed: number): Questionnaire {
  const answerOption: QuestionnaireItemAnswerOption[] = ANSWERS.map((a) => ({ valueCoding: { system: LOINC, ...a } }));
  return {
    resourceType: 'Questionnaire',
    id: new Rng(seed, 'questionnaire', 'phq-2').uuid(),
    meta,
    url: PHQ2_URL,
    name: 'PHQ2',
    title: 'Patient Health Questionnaire-2 (PHQ-2)',
    status: 'active',
    subjectType: ['Patient'],
    code: [{ system: LOINC, code: '55757-9', display: 'Patient Health Questionnaire 2 item (PHQ-2) [Reported]' }],
    item: [
      ...QUESTIONS.map((q) => ({
        linkId: q.linkId,
        code: [{ system: LOINC, code: q.code }],
        text: q.text,
        type: 'choice' as const,
        required: true,
        answerOption,
      })),
      { linkId: TOTAL.linkId, code: [{ system: LOINC, code: TOTAL.code }], text: TOTAL.text, type: 'integer', readOnly: true },
    ],
  };
}

/** The PHQ-2 the patient filled in at their latest visit. */
export function questionnaireResponses(p: PatientRecord, encounters: ChildRow[]): QuestionnaireResponse[] {
  const latest = encounters[encounters.length - 1];
  if (!latest) return [];
  const rng = new Rng(latest.uuid, 'phq-2');
  const scores = QUESTIONS.map(() => rng.int(0, 3));
  return [
    {
      resourceType: 'QuestionnaireResponse',
      id: derivedUuid(latest.uuid, 'QuestionnaireResponse'),
      meta,
      questionnaire: PHQ2_URL,
      status: 'completed',
      subject: patientRef(p),
      encounter: { reference: `Encounter/${latest.uuid}` },
      authored: fhirDateTime(str(latest, 'date')),
      item: [
        ...QUESTIONS.map((q, i) => ({
          linkId: q.linkId,
          text: q.text,
          answer: [{ valueCoding: { system: LOINC, ...ANSWERS[scores[i]] } }],
        })),
        { linkId: TOTAL.linkId, text: TOTAL.text, answer: [{ valueInteger: scores[0] + scores[1] }] },
      ],
    },
  ];
}

/** OpenEMR's option lists (those GET /api/list serves) as ValueSets; the id is the list name with dashes (ids allow no `_`). */
export function listValueSets(): ValueSet[] {
  return Object.entries(OPTION_LISTS).map(([name, options]) => ({
    resourceType: 'ValueSet',
    id: name.replace(/_/g, '-'),
    meta,
    url: `http://open-emr.org/ValueSet/${name}`,
    name,
    status: 'active',
    compose: {
      include: [{ system: `http://open-emr.org/list/${name}`, concept: options.map(([code, display]) => ({ code, display })) }],
    },
  }));
}
