/** Where a FHIR reference clicked in the viewer leads (pure; no vscode import). */
import { fhirDisplay } from '../explorer/labels';
import type { DocumentSource } from './protocol';

export type ReferenceTarget =
  { kind: 'fetch'; serverId: string; path: string } | { kind: 'external'; url: string } | { kind: 'unavailable'; reason: string };

/** The FHIR base inside a request URL: `https://host/apis/default/fhir`. */
function fhirBase(requestUrl: string | undefined): string | undefined {
  const match = requestUrl ? /^(https?:\/\/[^?#]*?\/fhir)(?:[/?#]|$)/.exec(requestUrl) : null;
  return match?.[1];
}

/**
 * Relative references (`Patient/123`) resolve against the panel's server's FHIR API; absolute ones on
 * the same FHIR base too; any other absolute URL is external (opened only after the user confirms).
 */
export function resolveReference(reference: string, serverId: string | undefined, requestUrl?: string): ReferenceTarget {
  const absolute = /^https?:\/\//i.test(reference);
  if (absolute) {
    const base = fhirBase(requestUrl);
    if (serverId && base && reference.startsWith(`${base}/`)) {
      return { kind: 'fetch', serverId, path: `/fhir/${reference.slice(base.length + 1)}` };
    }
    return { kind: 'external', url: reference };
  }
  if (!/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]+(\/_history\/[A-Za-z0-9\-.]+)?$/.test(reference)) {
    return { kind: 'unavailable', reason: `"${reference}" is not a FHIR reference the viewer can follow.` };
  }
  if (!serverId) {
    return {
      kind: 'unavailable',
      reason: `This document is not tied to a server, so ${reference} cannot be fetched. Open it from the OpenEMR explorer to follow references.`,
    };
  }
  return { kind: 'fetch', serverId, path: `/fhir/${reference}` };
}

export function sourceKey(source: DocumentSource): string {
  return `${source.serverId}\u0000${source.path}`;
}

/** Documents up to this size are read for a title; bigger ones keep their path as title. */
const TITLE_READ_LIMIT = 1024 * 1024;

/**
 * The title a fetched FHIR resource gets, like a tab opened from the tree: "Encounter: Office visit",
 * instead of its reference (`Encounter/2514bd89-…`). Undefined for anything else (a Bundle, a list, text).
 */
export function readableTitle(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength > TITLE_READ_LIMIT) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const resource = body as Record<string, unknown>;
  if (typeof resource.resourceType !== 'string' || resource.resourceType === 'Bundle') return undefined;
  return `${resource.resourceType}: ${fhirDisplay(resource)[0]}`;
}
