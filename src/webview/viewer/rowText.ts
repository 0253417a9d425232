/** What a tree row says about its value: pure text, shared by the renderer and the tests. */
import { childCount, isContainer } from './model';
import { resourceType } from './fhir';

export type ValueKind = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export const rowPreviewChars = 400;

export function valueKind(value: unknown): ValueKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return type;
  return 'object';
}

/** The one-line text after the key: a truncated leaf, or a count for containers. */
export function previewText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length} ${value.length === 1 ? 'item' : 'items'}]`;
  if (isContainer(value)) {
    const n = childCount(value);
    return `{${n} ${n === 1 ? 'key' : 'keys'}}`;
  }
  if (typeof value === 'string') {
    return value.length > rowPreviewChars ? `"${value.slice(0, rowPreviewChars)}…"` : `"${value}"`;
  }
  return String(value);
}

/** A hint beside collapsed objects: `Patient/123` for resources and Bundle entries. */
export function resourceHint(value: unknown): string {
  if (!isContainer(value) || Array.isArray(value)) return '';
  const direct = value as { resourceType?: unknown; id?: unknown; resource?: unknown };
  const target = resourceType(direct) ? direct : (direct.resource as typeof direct | undefined);
  const type = resourceType(target);
  if (!type || !target) return '';
  return typeof target.id === 'string' ? `${type}/${target.id}` : type;
}

/** The full text copied by "Copy value": strings bare, everything else as pretty JSON. */
export function copyText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
