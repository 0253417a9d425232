/** The standard API envelope (facts §5): `{validationErrors, internalErrors, data, links}`. */
export interface StandardLinks {
  first?: string;
  previous?: string;
  next?: string;
}

export interface StandardEnvelope<T = unknown> {
  data: T | undefined;
  validationErrors: unknown;
  internalErrors: unknown;
  links?: StandardLinks;
}

function nonEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return typeof value === 'string' ? value.trim().length > 0 : false;
}

/** True when the body has the envelope's shape (at least one of its keys). */
export function isEnvelope(body: unknown): body is Record<string, unknown> {
  return (
    Boolean(body) &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    ['data', 'validationErrors', 'internalErrors'].some((k) => k in (body as object))
  );
}

/** Reads an envelope defensively; errors are non-empty arrays or objects. */
export function readEnvelope<T = unknown>(body: unknown): StandardEnvelope<T> | undefined {
  if (!isEnvelope(body)) return undefined;
  const links =
    body.links && typeof body.links === 'object' && !Array.isArray(body.links)
      ? (body.links as Record<string, unknown>)
      : undefined;
  const link = (k: string): string | undefined => (typeof links?.[k] === 'string' && links[k] ? (links[k] as string) : undefined);
  return {
    data: body.data as T | undefined,
    validationErrors: nonEmpty(body.validationErrors) ? body.validationErrors : undefined,
    internalErrors: nonEmpty(body.internalErrors) ? body.internalErrors : undefined,
    links: links ? { first: link('first'), previous: link('previous'), next: link('next') } : undefined,
  };
}
