/**
 * The JSONPath subset request files use: `$`, `.name`, `['name']`, `[0]`, `[-1]`, `[*]`, `.*`, and
 * `.length` of an array or a string (`$.data.length`), as in httpYac and REST Client response references.
 */

type Step = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'all' };

export class JsonPathError extends Error {}

export function parseJsonPath(path: string): Step[] {
  const text = path.trim();
  if (!text.startsWith('$')) throw new JsonPathError(`A JSONPath starts with $: ${text}`);
  const steps: Step[] = [];
  let i = 1;
  while (i < text.length) {
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\.\*/.exec(rest)) || (m = /^\[\*\]/.exec(rest))) steps.push({ kind: 'all' });
    else if ((m = /^\.([A-Za-z_$][\w$-]*)/.exec(rest))) steps.push({ kind: 'name', name: m[1]! });
    else if ((m = /^\[(-?\d+)\]/.exec(rest))) steps.push({ kind: 'index', index: Number(m[1]) });
    else if ((m = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest)) || (m = /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest)))
      steps.push({ kind: 'name', name: m[1]!.replace(/\\(.)/g, '$1') });
    else throw new JsonPathError(`Cannot read the JSONPath ${text} at "${rest.slice(0, 20)}"`);
    i += m[0].length;
  }
  return steps;
}

function step(values: unknown[], s: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (s.kind === 'all') {
      if (Array.isArray(v)) out.push(...(v as unknown[]));
      else if (v && typeof v === 'object') out.push(...Object.values(v));
    } else if (s.kind === 'index') {
      if (Array.isArray(v)) {
        const at = s.index < 0 ? v.length + s.index : s.index;
        if (at >= 0 && at < v.length) out.push(v[at]);
      }
    } else if (Array.isArray(v) || typeof v === 'string') {
      if (s.name === 'length') out.push(v.length);
    } else if (v && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, s.name)) {
      out.push((v as Record<string, unknown>)[s.name]);
    }
  }
  return out;
}

/** Every value the path selects. */
export function queryAll(value: unknown, path: string): unknown[] {
  return parseJsonPath(path).reduce((values, s) => step(values, s), [value]);
}

/** The one value a definite path selects, or the list for a path with a wildcard; undefined when nothing matched. */
export function query(value: unknown, path: string): unknown {
  const steps = parseJsonPath(path);
  const values = steps.reduce((acc, s) => step(acc, s), [value]);
  if (steps.some((s) => s.kind === 'all')) return values;
  return values[0];
}
