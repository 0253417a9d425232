/**
 * FHIR and OpenEMR awareness, pure functions over the parsed document: summary cards for common
 * resources, the Bundle entry table, which strings are followable references, and the standard API's
 * error envelope.
 */
import type {
  Address,
  AllergyIntolerance,
  Bundle,
  CodeableConcept,
  Condition,
  ContactPoint,
  Encounter,
  HumanName,
  Identifier,
  MedicationRequest,
  Observation,
  Patient,
  Quantity,
  Reference,
} from 'fhir/r4';

export interface ResourceSummary {
  resourceType: string;
  title: string;
  fields: Array<[label: string, value: string]>;
}

export interface BundleRow {
  index: number;
  type: string;
  id: string;
  display: string;
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function resourceType(value: unknown): string | undefined {
  return isObject(value) && typeof value.resourceType === 'string' ? value.resourceType : undefined;
}

function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

export function humanName(name: HumanName | undefined): string {
  if (!name) return '';
  if (name.text) return name.text;
  return [...list(name.prefix), ...list(name.given), name.family ?? '', ...list(name.suffix)]
    .filter((p) => typeof p === 'string' && p.length > 0)
    .join(' ');
}

export function codeText(concept: CodeableConcept | undefined): string {
  if (!concept) return '';
  if (concept.text) return concept.text;
  const coding = list(concept.coding)[0];
  return coding?.display ?? coding?.code ?? '';
}

function quantity(q: Quantity | undefined): string {
  if (!q || q.value === undefined) return '';
  const unit = q.unit ?? q.code ?? '';
  return unit ? `${q.value} ${unit}` : String(q.value);
}

function reference(ref: Reference | undefined): string {
  return ref?.display ?? ref?.reference ?? '';
}

function identifiers(ids: Identifier[] | undefined): string {
  return list(ids)
    .map((i) => (i.type ? `${codeText(i.type)}: ${i.value ?? ''}` : (i.value ?? '')))
    .filter((s) => s.length > 0)
    .join(', ');
}

function contacts(points: ContactPoint[] | undefined): string {
  return list(points)
    .map((p) => [p.system, p.value].filter(Boolean).join(' '))
    .filter((s) => s.length > 0)
    .join(', ');
}

export function observationValue(o: Observation): string {
  if (o.valueQuantity) return quantity(o.valueQuantity);
  if (o.valueCodeableConcept) return codeText(o.valueCodeableConcept);
  if (o.valueString !== undefined) return o.valueString;
  if (o.valueBoolean !== undefined) return String(o.valueBoolean);
  if (o.valueInteger !== undefined) return String(o.valueInteger);
  const parts = list(o.component).map((c) => `${codeText(c.code)} ${quantity(c.valueQuantity)}`.trim());
  return parts.join(', ');
}

function address(a: Address | undefined): string {
  if (!a) return '';
  return a.text ?? [list(a.line).join(' '), a.city, a.state, a.postalCode].filter(Boolean).join(', ');
}

function fields(entries: Array<[string, string | undefined]>): Array<[string, string]> {
  return entries.filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 0);
}

type Summarizer = (r: never) => Omit<ResourceSummary, 'resourceType'>;

const summarizers: Record<string, Summarizer> = {
  Patient: (p: Patient) => ({
    title: humanName(list(p.name)[0]) || `Patient ${p.id ?? ''}`.trim(),
    fields: fields([
      ['DOB', p.birthDate],
      ['Sex', p.gender],
      ['Identifiers', identifiers(p.identifier)],
      ['Contact', contacts(p.telecom)],
      ['Address', address(list(p.address)[0])],
    ]),
  }),
  Encounter: (e: Encounter) => ({
    title: codeText(list(e.type)[0]) || e.class?.display || e.class?.code || 'Encounter',
    fields: fields([
      ['Status', e.status],
      ['Class', e.class?.display ?? e.class?.code],
      ['Subject', reference(e.subject)],
      ['Period', [e.period?.start, e.period?.end].filter(Boolean).join(' to ')],
      ['Reason', codeText(list(e.reasonCode)[0])],
    ]),
  }),
  Observation: (o: Observation) => ({
    title: codeText(o.code) || 'Observation',
    fields: fields([
      ['Value', observationValue(o)],
      ['Status', o.status],
      ['Category', codeText(list(o.category)[0])],
      ['Effective', o.effectiveDateTime ?? o.issued],
      ['Subject', reference(o.subject)],
    ]),
  }),
  Condition: (c: Condition) => ({
    title: codeText(c.code) || 'Condition',
    fields: fields([
      ['Clinical status', codeText(c.clinicalStatus)],
      ['Verification', codeText(c.verificationStatus)],
      ['Category', codeText(list(c.category)[0])],
      ['Onset', c.onsetDateTime],
      ['Subject', reference(c.subject)],
    ]),
  }),
  MedicationRequest: (m: MedicationRequest) => ({
    title: codeText(m.medicationCodeableConcept) || reference(m.medicationReference) || 'MedicationRequest',
    fields: fields([
      ['Status', m.status],
      ['Intent', m.intent],
      ['Authored', m.authoredOn],
      ['Dosage', list(m.dosageInstruction)[0]?.text],
      ['Requester', reference(m.requester)],
      ['Subject', reference(m.subject)],
    ]),
  }),
  AllergyIntolerance: (a: AllergyIntolerance) => ({
    title: codeText(a.code) || 'AllergyIntolerance',
    fields: fields([
      ['Clinical status', codeText(a.clinicalStatus)],
      ['Criticality', a.criticality],
      [
        'Reaction',
        list(a.reaction)
          .flatMap((r) => list(r.manifestation).map(codeText))
          .join(', '),
      ],
      ['Patient', reference(a.patient)],
    ]),
  }),
};

/** A summary card for the common resources; undefined for anything else. */
export function summarizeResource(value: unknown): ResourceSummary | undefined {
  const type = resourceType(value);
  const summarize = type ? summarizers[type] : undefined;
  if (!type || !summarize) return undefined;
  try {
    return { resourceType: type, ...summarize(value as never) };
  } catch {
    return undefined; // malformed resources still show in the tree
  }
}

/** A Bundle's entries, or undefined when the document is not a Bundle. */
export function bundleEntries(value: unknown): unknown[] | undefined {
  if (resourceType(value) !== 'Bundle') return undefined;
  return list((value as Bundle).entry as unknown[] | undefined);
}

/**
 * One table row for a Bundle entry: type, id and the best display text. Computed per drawn row, not
 * for every entry up front: summarizing 80k entries of a 50 MB Bundle would cost most of a frame budget.
 */
export function bundleRow(entry: unknown, index: number): BundleRow {
  const res: unknown = isObject(entry) ? entry.resource : undefined;
  const type = resourceType(res) ?? '';
  const id = isObject(res) && typeof res.id === 'string' ? res.id : '';
  return { index, type, id, display: summarizeResource(res)?.title ?? '' };
}

const relativeReference = /^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const absoluteReference = /^https?:\/\/\S+\/[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/;

/** The FHIR reference a row holds (`reference: "Patient/123"`), or undefined. */
export function followableReference(key: unknown, value: unknown): string | undefined {
  if (key !== 'reference' || typeof value !== 'string') return undefined;
  return relativeReference.test(value) || absoluteReference.test(value) ? value : undefined;
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value) || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function messagesOf(value: unknown, prefix = ''): string[] {
  if (value === null || value === undefined || value === '') return [];
  if (Array.isArray(value)) return value.flatMap((v) => messagesOf(v, prefix));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => messagesOf(v, prefix ? `${prefix}.${k}` : k));
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return [prefix ? `${prefix}: ${text}` : text];
}

/** OpenEMR's standard API envelope: validationErrors and internalErrors, flattened to lines. */
export function envelopeErrors(value: unknown): { validation: string[]; internal: string[] } {
  if (!isObject(value) || !('data' in value || 'validationErrors' in value || 'internalErrors' in value)) {
    return { validation: [], internal: [] };
  }
  return { validation: messagesOf(value.validationErrors), internal: messagesOf(value.internalErrors) };
}
