/** Copyable key paths: JSONPath for any document, a FHIRPath-style path inside FHIR resources. */
import type { PathSegment } from './model';

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function toJsonPath(path: readonly PathSegment[]): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (identifier.test(segment)) out += `.${segment}`;
    else out += `['${segment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return out;
}

function resourceTypeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const type = (value as { resourceType?: unknown }).resourceType;
  return typeof type === 'string' && /^[A-Z][A-Za-z]+$/.test(type) ? type : undefined;
}

/**
 * A FHIRPath-style path from the document's root resource, e.g. `Bundle.entry[2].resource.ofType(Patient)
 * .name[0].family`. Nested resources (Bundle entries, contained) get `.ofType(X)` so the path stays typed.
 * Returns undefined when the document is not a FHIR resource.
 */
export function toFhirPath(root: unknown, path: readonly PathSegment[]): string | undefined {
  const rootType = resourceTypeOf(root);
  if (!rootType) return undefined;
  let out = rootType;
  let value: unknown = root;
  for (const segment of path) {
    value = (value as Record<PathSegment, unknown> | undefined)?.[segment];
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += identifier.test(segment) ? `.${segment}` : `.\`${segment.replace(/`/g, '\\`')}\``;
    const nested = resourceTypeOf(value);
    if (nested) out += `.ofType(${nested})`;
  }
  return out;
}
