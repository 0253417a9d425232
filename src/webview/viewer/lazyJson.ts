/**
 * Parsing that opens big documents sooner. JSON.parse of a 50 MB Bundle costs most of the time to first
 * render, yet the first screen shows only a few dozen entries. For large texts the top level is parsed
 * right away, but big arrays directly under it (Bundle.entry, the standard API's data) keep each element
 * as a slice of the text and parse it on first access, through a Proxy that looks like a plain array to
 * every reader (Array.isArray, length, indexing, JSON.stringify). Search touches every element and so
 * parses the rest in its own time slices.
 */

export interface LazyParseOptions {
  /** Texts shorter than this are parsed at once with JSON.parse. */
  minText?: number;
  /** Arrays whose text is shorter than this are parsed at once too. */
  minArray?: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COMMA = 44;
const COLON = 58;

function skipWhitespace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** Index after the string that opens at `i` (jumps between quotes with indexOf). */
function skipString(text: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const close = text.indexOf('"', from);
    if (close < 0) throw new SyntaxError('Unterminated string in JSON');
    let backslashes = 0;
    for (let k = close - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    from = close + 1;
  }
}

/** Index after the value that starts at `i`, without building it. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let p = i; p < text.length; p++) {
      const ch = text.charCodeAt(p);
      if (ch === QUOTE) p = skipString(text, p) - 1;
      else if (ch === OPEN_OBJECT || ch === OPEN_ARRAY) depth++;
      else if (ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) {
        if (--depth === 0) return p + 1;
      }
    }
    throw new SyntaxError('Unterminated container in JSON');
  }
  let p = i;
  for (;;) {
    const ch = text.charCodeAt(p);
    if (
      Number.isNaN(ch) ||
      ch === COMMA ||
      ch === CLOSE_OBJECT ||
      ch === CLOSE_ARRAY ||
      ch === 32 ||
      ch === 10 ||
      ch === 13 ||
      ch === 9
    )
      break;
    p++;
  }
  if (p === i) throw new SyntaxError(`Unexpected character at position ${i} in JSON`);
  return p;
}

/** Calls `visit(start, end)` for each element of the array at `open`; returns the index after it. */
function forEachElement(text: string, open: number, visit: (start: number, end: number) => void): number {
  let p = skipWhitespace(text, open + 1);
  if (text.charCodeAt(p) === CLOSE_ARRAY) return p + 1;
  for (;;) {
    const end = skipValue(text, p);
    visit(p, end);
    p = skipWhitespace(text, end);
    const c = text.charCodeAt(p);
    if (c === CLOSE_ARRAY) return p + 1;
    if (c !== COMMA) throw new SyntaxError(`Expected ',' or ']' at position ${p} in JSON`);
    p = skipWhitespace(text, p + 1);
  }
}

const unparsed = Symbol('unparsed');

function lazyArray(text: string, bounds: number[]): unknown[] {
  const target: unknown[] = new Array<unknown>(bounds.length / 2).fill(unparsed);
  return new Proxy(target, {
    get(t, key, receiver) {
      const value: unknown = Reflect.get(t, key, receiver);
      if (value !== unparsed || typeof key !== 'string') return value;
      const index = Number(key);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text.slice(bounds[2 * index], bounds[2 * index + 1]));
      } catch (error) {
        parsed = `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
      }
      t[index] = parsed;
      return parsed;
    },
  });
}

/** The value starting at `start` and the index after it; one pass over the text, arrays included. */
function readValue(text: string, start: number, minArray: number): { value: unknown; end: number } {
  if (text.charCodeAt(start) !== OPEN_ARRAY) {
    const end = skipValue(text, start);
    return { value: JSON.parse(text.slice(start, end)), end };
  }
  const bounds: number[] = [];
  const end = forEachElement(text, start, (a, b) => bounds.push(a, b));
  const value = end - start >= minArray ? lazyArray(text, bounds) : JSON.parse(text.slice(start, end));
  return { value, end };
}

function shallowObject(text: string, open: number, minArray: number): { value: object; end: number } {
  const result: Record<string, unknown> = {};
  let p = skipWhitespace(text, open + 1);
  if (text.charCodeAt(p) === CLOSE_OBJECT) return { value: result, end: p + 1 };
  for (;;) {
    if (text.charCodeAt(p) !== QUOTE) throw new SyntaxError(`Expected a property name at position ${p} in JSON`);
    const keyEnd = skipString(text, p);
    const key = JSON.parse(text.slice(p, keyEnd)) as string;
    p = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(p) !== COLON) throw new SyntaxError(`Expected ':' at position ${p} in JSON`);
    const { value, end } = readValue(text, skipWhitespace(text, p + 1), minArray);
    // defineProperty, not assignment: a "__proto__" key must stay a plain property, as with JSON.parse
    Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
    p = skipWhitespace(text, end);
    const c = text.charCodeAt(p);
    if (c === CLOSE_OBJECT) return { value: result, end: p + 1 };
    if (c !== COMMA) throw new SyntaxError(`Expected ',' or '}' at position ${p} in JSON`);
    p = skipWhitespace(text, p + 1);
  }
}

/** Parses JSON like JSON.parse, deferring the elements of big top-level arrays (see the file comment). */
export function parseDocument(text: string, options: LazyParseOptions = {}): unknown {
  const minText = options.minText ?? 1_000_000;
  const minArray = options.minArray ?? 64 * 1024;
  if (text.length < minText) return JSON.parse(text);
  try {
    const start = skipWhitespace(text, 0);
    const c = text.charCodeAt(start);
    let value: unknown;
    let end: number;
    if (c === OPEN_OBJECT) ({ value, end } = shallowObject(text, start, minArray));
    else if (c === OPEN_ARRAY) ({ value, end } = readValue(text, start, minArray));
    else return JSON.parse(text);
    if (skipWhitespace(text, end) !== text.length) throw new SyntaxError('Unexpected text after JSON');
    return value;
  } catch {
    return JSON.parse(text); // the scanner only finds structure; JSON.parse gives the precise error
  }
}
