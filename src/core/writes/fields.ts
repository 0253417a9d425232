/**
 * What a record's document holds: the fields its PUT route accepts, without the identity and derived
 * fields OpenEMR sets itself, and the field-by-field difference between two versions. vscode-free.
 */
export type JsonObject = Record<string, unknown>;

/** Identity and bookkeeping columns of the standard API: OpenEMR ignores or rejects them in a PUT. */
const STANDARD_READ_ONLY = new Set([
  'id',
  'uuid',
  'pid',
  'puuid',
  'eid',
  'euuid',
  'encounter',
  'pubpid',
  'pc_eid',
  'pc_uuid',
  'pc_pid',
  'date_created',
  'last_updated',
  'created_at',
  'updated_at',
]);
/** FHIR elements the server writes itself. `id` stays: an update must carry the id of its URL. */
const FHIR_READ_ONLY = new Set(['meta', 'text']);

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a field of a standard-API record is one the PUT route accepts. */
export function isEditableStandardField(name: string, value: unknown): boolean {
  if (STANDARD_READ_ONLY.has(name) || /_uuid$/.test(name)) return false;
  // The standard API's PUTs take flat columns; nested lists (a patient's "addresses") are read-only views.
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** The editable document of a record: standard-API columns without read-only ones, or a FHIR resource without meta. */
export function editableDocument(api: 'standard' | 'fhir', record: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(record)) {
    if (api === 'fhir' ? FHIR_READ_ONLY.has(name) : !isEditableStandardField(name, value)) continue;
    out[name] = value;
  }
  return out;
}

export interface FieldChange {
  field: string;
  kind: 'changed' | 'added' | 'removed';
  old?: unknown;
  new?: unknown;
}

/** A stable text form (object keys sorted), so that key order never counts as a change. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** The top-level fields that differ between two documents, in the order of `after` then removed ones. */
export function diffFields(before: JsonObject, after: JsonObject): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, value] of Object.entries(after)) {
    if (!(field in before)) changes.push({ field, kind: 'added', new: value });
    else if (!sameValue(before[field], value)) changes.push({ field, kind: 'changed', old: before[field], new: value });
  }
  for (const field of Object.keys(before)) if (!(field in after)) changes.push({ field, kind: 'removed', old: before[field] });
  return changes;
}

function shortValue(value: unknown, max = 60): string {
  const s = value === undefined ? '(none)' : JSON.stringify(value);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** One line per change: `lname: "Smith" → "Smyth"`. */
export function describeChanges(changes: readonly FieldChange[]): string[] {
  return changes.map((c) =>
    c.kind === 'added'
      ? `${c.field}: (new) → ${shortValue(c.new)}`
      : c.kind === 'removed'
        ? `${c.field}: ${shortValue(c.old)} → (removed)`
        : `${c.field}: ${shortValue(c.old)} → ${shortValue(c.new)}`,
  );
}

function text(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  return typeof value === 'number' ? String(value) : '';
}

/** The FHIR display text of a resource: its name, code text or `Type/id`. */
function fhirName(r: JsonObject): string {
  const names = Array.isArray(r.name) ? r.name : [];
  const first: unknown = names[0];
  if (typeof r.name === 'string') return text(r.name);
  if (isObject(first)) {
    const given = Array.isArray(first.given) ? first.given.map(text).join(' ') : '';
    return text(first.text) || [given, text(first.family)].filter(Boolean).join(' ');
  }
  const code = isObject(r.code) ? r.code : undefined;
  return (code && text(code.text)) || `${text(r.resourceType)}/${text(r.id)}`;
}

/**
 * The name a user types to confirm a deletion: a FHIR resource's name, a standard record's title, the
 * person's "First Last", its name, or its id.
 */
export function recordDisplayName(record: JsonObject): string {
  if (typeof record.resourceType === 'string') return fhirName(record);
  const person = [text(record.fname), text(record.lname)].filter(Boolean).join(' ');
  return (
    text(record.title) ||
    person ||
    text(record.name) ||
    text(record.pc_title) ||
    text(record.uuid) ||
    text(record.id) ||
    'this record'
  );
}
