/**
 * Readable labels for tree rows: patients, standard-API records by kind, FHIR resources by their display text.
 * vscode-free; every value comes from a server, so everything is treated as untrusted text.
 */
import type { Observation } from 'fhir/r4';
import { observationValue } from '../webview/viewer/fhir';
import type { LeafKind, Row } from './catalog';

export interface RowLabel {
  label: string;
  description?: string;
  /** Plain-text tooltip lines. */
  tooltip: string[];
}

const MAX_LABEL = 80;

function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

function clip(value: string, max = MAX_LABEL): string {
  const one = value.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** `2024-03-05 10:00:00` and `2024-03-05T10:00:00Z` both show as `2024-03-05`. */
export function shortDate(value: unknown): string {
  const s = text(value);
  return /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : s;
}

function joined(parts: string[], separator = ' · '): string {
  return parts.filter(Boolean).join(separator);
}

/** "Last, First", DOB and sex; pid and uuid in the tooltip. */
export function patientLabel(p: Row): RowLabel {
  const last = text(p.lname);
  const first = text(p.fname);
  const name = last && first ? `${last}, ${first}` : last || first || '(no name)';
  const sex = text(p.sex);
  return {
    label: clip(name),
    description: joined([shortDate(p.DOB), sex]),
    tooltip: [name, joined([`DOB ${shortDate(p.DOB) || '?'}`, sex]), `pid ${text(p.pid) || '?'}`, `uuid ${text(p.uuid) || '?'}`],
  };
}

function personName(row: Row): string {
  const last = text(row.lname);
  const first = text(row.fname);
  return last && first ? `${last}, ${first}` : last || first || text(row.username);
}

function standardParts(kind: LeafKind, row: Row): [label: string, description: string] {
  switch (kind) {
    case 'encounter':
      return [joined([shortDate(row.date), text(row.reason)]), text(row.facility)];
    case 'vital': {
      const bp = text(row.bps) && text(row.bpd) ? `BP ${text(row.bps)}/${text(row.bpd)}` : '';
      const weight = text(row.weight) ? `${text(row.weight)} ${text(row.weight_unit)}`.trim() : '';
      const temp = text(row.temperature) ? `${text(row.temperature)} °${text(row.temperature_unit) || 'F'}` : '';
      return [joined([shortDate(row.date), bp, weight]), temp];
    }
    case 'soap_note':
      return [joined([shortDate(row.date), text(row.assessment) || text(row.subjective)]), text(row.plan)];
    case 'issue':
      return [text(row.title), joined([shortDate(row.begdate), text(row.diagnosis)])];
    case 'appointment':
      return [
        joined([text(row.pc_eventDate), text(row.pc_startTime).slice(0, 5), text(row.pc_title) || text(row.pc_catname)]),
        text(row.pc_apptstatus),
      ];
    case 'insurance':
      return [joined([text(row.type), text(row.plan_name)], ': '), text(row.policy_number)];
    case 'document':
      return [text(row.filename), shortDate(row.docdate)];
    case 'employer':
      return [text(row.name), text(row.city)];
    case 'transaction':
      return [text(row.title), shortDate(row.date)];
    case 'person':
      return [personName(row), text(row.specialty) || text(row.username)];
    case 'facility':
    case 'company':
      return [text(row.name), text(row.city)];
    case 'drug':
      return [text(row.name) || text(row.drug), text(row.ndc_number)];
    case 'immunization':
      return [text(row.cvx_code_text) || text(row.cvx_code), shortDate(row.administered_date)];
    case 'prescription':
      return [text(row.drug), text(row.dosage)];
    case 'procedure':
      return [text(row.name) || text(row.code), shortDate(row.date)];
    case 'option':
      return [text(row.title) || text(row.option_id), text(row.option_id)];
    case 'fhir':
      return ['', ''];
  }
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/** A CodeableConcept's text, else its first coding's display or code. */
export function conceptText(value: unknown): string {
  const concept = asObject(first(value));
  if (!concept) return '';
  const coding = asObject(first(concept.coding));
  return text(concept.text) || text(coding?.display) || text(coding?.code);
}

function humanName(value: unknown): string {
  const name = asObject(first(value));
  if (!name) return text(value);
  const given = Array.isArray(name.given) ? name.given.map(text).join(' ') : '';
  return text(name.text) || joined([text(name.family), given], ', ');
}

const FHIR_TITLE_FIELDS = ['code', 'vaccineCode', 'medicationCodeableConcept', 'type', 'category', 'class'] as const;
const FHIR_DATE_FIELDS = [
  'effectiveDateTime',
  'onsetDateTime',
  'recordedDate',
  'occurrenceDateTime',
  'authoredOn',
  'performedDateTime',
  'issued',
  'date',
  'recorded',
  'created',
] as const;

/** The main date of a FHIR resource (ISO text, empty when it has none). */
function fhirDate(resource: Row): string {
  return FHIR_DATE_FIELDS.map((f) => text(resource[f])).find(Boolean) ?? text(asObject(resource.period)?.start);
}

/** Orders FHIR resources by their main date, newest first (undated ones last). */
export function newestFirst(a: Row, b: Row): number {
  return fhirDate(b).localeCompare(fhirDate(a));
}

/** The display text of a FHIR resource: its name, title, description or main code, with its main date. */
export function fhirDisplay(resource: Row): [label: string, description: string] {
  const type = text(resource.resourceType) || 'Resource';
  const date = shortDate(fhirDate(resource));
  const description = asObject(resource.description) ? '' : text(resource.description);
  const named = humanName(resource.name) || text(resource.title);
  const coded = FHIR_TITLE_FIELDS.map((f) => conceptText(resource[f])).find(Boolean) ?? '';
  const goal = conceptText(resource.description);
  const value = type === 'Observation' ? observationValue(resource as unknown as Observation) : '';
  const label =
    named ||
    (coded && value ? `${coded}: ${value}` : coded) ||
    goal ||
    description ||
    text(asObject(resource.target && first(resource.target))?.reference) ||
    // a FHIR POST answers OpenEMR's insert result ({uuid, pid|id}), whose uuid is the new resource's id
    `${type}/${resource.resourceType ? text(resource.id) : text(resource.uuid) || text(resource.id)}`;
  return [label, joined([date, text(resource.status)])];
}

/** The label of a leaf row of a group. */
export function rowLabel(kind: LeafKind, row: Row): RowLabel {
  const [label, description] = kind === 'fhir' ? fhirDisplay(row) : standardParts(kind, row);
  const id = text(row.uuid) || text(row.id) || text(row.pc_eid);
  const fallback = id ? `#${id}` : '(no id)';
  return {
    label: clip(label || fallback),
    description: description ? clip(description, 60) : undefined,
    tooltip: [label || fallback, description, id ? `id ${id}` : ''].filter(Boolean),
  };
}
