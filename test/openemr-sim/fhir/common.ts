/** Pieces every FHIR mapper shares: meta, references, date formats, and ids derived from a row's uuid. */
import type { Reference } from 'fhir/r4';
import { hashKeys } from '../data/prng.js';
import type { PatientRecord } from '../data/records.js';

export const meta = { versionId: '1', lastUpdated: '2025-12-31T00:00:00Z' };

export const fhirDate = (d: string): string => d.slice(0, 10);

/** "YYYY-MM-DD hh:mm:ss" (OpenEMR's datetime columns) to FHIR dateTime; plain dates stay as they are. */
export const fhirDateTime = (d: string): string => (d.length > 10 ? `${d.slice(0, 10)}T${d.slice(11, 19)}Z` : d);

export const patientRef = (p: PatientRecord): Reference => ({ reference: `Patient/${p.uuid}`, type: 'Patient' });

/**
 * A stable uuid for a resource that OpenEMR keeps in its own table but the simulator derives from another
 * row (a ServiceRequest from a procedure order, say). The last 12 hex digits are kept, so the id still
 * names its patient (see DataStore).
 */
export function derivedUuid(uuid: string, type: string): string {
  return hashKeys(uuid, type).toString(16).padStart(8, '0') + uuid.slice(8);
}
