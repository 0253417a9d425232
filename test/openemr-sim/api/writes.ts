/** Validation and merging of written rows, shared by the standard API and FHIR writes. */
import type { Row } from '../data/records.js';
import { fail } from '../reply.js';
import { validationReply } from './envelope.js';

export function requireFields(body: Record<string, unknown>, required: readonly string[]): void {
  const errors: Record<string, string> = {};
  for (const f of required) {
    const v = body[f];
    if (v === undefined || v === null || v === '') errors[f] = `${f} must be provided, but does not exist`;
  }
  if (body.DOB !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.DOB)))
    errors.DOB = 'DOB must be a date in the format YYYY-MM-DD';
  if (Object.keys(errors).length) fail(validationReply(errors));
}

/** Copies scalar fields of the body onto the row, never the identity columns. */
export function mergeScalars<T extends Row>(
  row: T,
  body: Record<string, unknown>,
  locked: readonly string[] = ['id', 'uuid', 'pid'],
): T {
  const out: Row = { ...row };
  for (const [k, v] of Object.entries(body)) {
    if (locked.includes(k)) continue;
    if (typeof v === 'string' || typeof v === 'number' || v === null) out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 1 : 0;
  }
  return out as T;
}
