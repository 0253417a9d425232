/**
 * Parsing that opens big documents sooner. Decoding a 50 MB answer to text and JSON.parse of it cost most of
 * the time to first render, yet the first screen shows only a few dozen entries. For large documents the
 * UTF-8 bytes are scanned for structure (every JSON delimiter is ASCII, and no byte of a multi-byte UTF-8
 * character is ASCII): the top level is built right away, but big arrays directly under it (Bundle.entry, the
 * standard API's data) keep each element as a byte range that is decoded and parsed on first access, through
 * a Proxy that looks like a plain array to every reader (Array.isArray, length, indexing, JSON.stringify).
 * Search touches every element and so parses the rest in its own time slices.
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

const decoder = new TextDecoder();

/** The text of bytes[start, end). */
function decode(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return decoder.decode(bytes.subarray(start, end));
}

function skipWhitespace(bytes: Uint8Array, i: number): number {
  for (;;) {
    const c = bytes[i];
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** Index after the string that opens at `i`. */
function skipString(bytes: Uint8Array, i: number): number {
  for (let p = i + 1; p < bytes.length; p++) {
    const c = bytes[p];
    if (c === QUOTE) return p + 1;
    if (c === BACKSLASH) p++;
  }
  throw new SyntaxError('Unterminated string in JSON');
}

/** Index after the value that starts at `i`, without building it. */
function skipValue(bytes: Uint8Array, i: number): number {
  const c = bytes[i];
  if (c === QUOTE) return skipString(bytes, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let p = i; p < bytes.length; p++) {
      const ch = bytes[p];
      if (ch === QUOTE) p = skipString(bytes, p) - 1;
      else if (ch === OPEN_OBJECT || ch === OPEN_ARRAY) depth++;
      else if (ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) {
        if (--depth === 0) return p + 1;
      }
    }
    throw new SyntaxError('Unterminated container in JSON');
  }
  let p = i;
  for (;;) {
    const ch = bytes[p];
    if (
      ch === undefined ||
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

/** The elements of an array: element i is the text bytes[bounds[2i], bounds[2i + 1]) (whitespace around it included). */
export interface ArrayElements {
  count: number;
  bounds: Uint32Array;
  /** The index after the closing bracket. */
  end: number;
}

/**
 * Finds the elements of the array that opens at `open` in one tight pass over the bytes: a depth counter,
 * strings skipped inline, element bounds in a typed array (no function call or object per element or per
 * string: this loop reads every byte of a 50 MB Bundle before the first paint). Like the rest of this
 * scanner it checks structure only (brackets, strings, no empty element); an element whose own text is not
 * valid JSON is found when it is parsed.
 */
export function scanArray(bytes: Uint8Array, open: number): ArrayElements {
  const n = bytes.length;
  let bounds = new Uint32Array(1024);
  let count = 0;
  let depth = 0;
  let start = open + 1;
  let p = start;
  const close = (at: number): void => {
    if (skipWhitespace(bytes, start) >= at) {
      if (count === 0 && bytes[at] === CLOSE_ARRAY) return; // []
      throw new SyntaxError(`Unexpected '${String.fromCharCode(bytes[at])}' at position ${at} in JSON`);
    }
    if (2 * count + 2 > bounds.length) {
      const grown = new Uint32Array(bounds.length * 2);
      grown.set(bounds);
      bounds = grown;
    }
    bounds[2 * count] = start;
    bounds[2 * count + 1] = at;
    count++;
  };
  // Strings hold most of the bytes (URLs, codes, text): they are skipped four bytes at a time while none of
  // the four is a quote or a backslash (the has-zero-byte test on the word XOR each of them).
  const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lastWord = n - 4;
  while (p < n) {
    const c = bytes[p++];
    if (c === QUOTE) {
      for (;;) {
        while (p <= lastWord) {
          const word = words.getUint32(p, true);
          const quote = word ^ 0x22222222;
          const backslash = word ^ 0x5c5c5c5c;
          if ((((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080) break;
          p += 4;
        }
        if (p >= n) throw new SyntaxError('Unterminated string in JSON');
        const d = bytes[p++];
        if (d === QUOTE) break;
        if (d === BACKSLASH) p++;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth === 0) {
        if (c !== CLOSE_ARRAY) throw new SyntaxError(`Unexpected '}' at position ${p - 1} in JSON`);
        close(p - 1);
        return { count, bounds, end: p };
      }
      depth--;
    } else if (c === COMMA && depth === 0) {
      close(p - 1);
      start = p;
    }
  }
  throw new SyntaxError('Unterminated array in JSON');
}

const unparsed = Symbol('unparsed');

function lazyArray(bytes: Uint8Array, { count, bounds }: ArrayElements): unknown[] {
  const target: unknown[] = new Array<unknown>(count).fill(unparsed);
  return new Proxy(target, {
    get(t, key, receiver) {
      const value: unknown = Reflect.get(t, key, receiver);
      if (value !== unparsed || typeof key !== 'string') return value;
      const index = Number(key);
      let parsed: unknown;
      try {
        parsed = JSON.parse(decode(bytes, bounds[2 * index], bounds[2 * index + 1]));
      } catch (error) {
        parsed = `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
      }
      t[index] = parsed;
      return parsed;
    },
  });
}

/** The value starting at `start` and the index after it; one pass over the bytes, arrays included. */
function readValue(bytes: Uint8Array, start: number, minArray: number): { value: unknown; end: number } {
  if (bytes[start] !== OPEN_ARRAY) {
    const end = skipValue(bytes, start);
    return { value: JSON.parse(decode(bytes, start, end)), end };
  }
  const elements = scanArray(bytes, start);
  const { end } = elements;
  const value = end - start >= minArray ? lazyArray(bytes, elements) : JSON.parse(decode(bytes, start, end));
  return { value, end };
}

function shallowObject(bytes: Uint8Array, open: number, minArray: number): { value: object; end: number } {
  const result: Record<string, unknown> = {};
  let p = skipWhitespace(bytes, open + 1);
  if (bytes[p] === CLOSE_OBJECT) return { value: result, end: p + 1 };
  for (;;) {
    if (bytes[p] !== QUOTE) throw new SyntaxError(`Expected a property name at position ${p} in JSON`);
    const keyEnd = skipString(bytes, p);
    const key = JSON.parse(decode(bytes, p, keyEnd)) as string;
    p = skipWhitespace(bytes, keyEnd);
    if (bytes[p] !== COLON) throw new SyntaxError(`Expected ':' at position ${p} in JSON`);
    const { value, end } = readValue(bytes, skipWhitespace(bytes, p + 1), minArray);
    // defineProperty, not assignment: a "__proto__" key must stay a plain property, as with JSON.parse
    Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
    p = skipWhitespace(bytes, end);
    const c = bytes[p];
    if (c === CLOSE_OBJECT) return { value: result, end: p + 1 };
    if (c !== COMMA) throw new SyntaxError(`Expected ',' or '}' at position ${p} in JSON`);
    p = skipWhitespace(bytes, p + 1);
  }
}

/**
 * Parses JSON text or UTF-8 bytes like JSON.parse, deferring the elements of big top-level arrays (see the file
 * comment). Big documents are best handed over as bytes: they are then never decoded as a whole.
 */
export function parseDocument(input: string | Uint8Array, options: LazyParseOptions = {}): unknown {
  const minText = options.minText ?? 1_000_000;
  const minArray = options.minArray ?? 64 * 1024;
  const parseWhole = (): unknown => JSON.parse(typeof input === 'string' ? input : decode(input));
  if (input.length < minText) return parseWhole();
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  try {
    const start = skipWhitespace(bytes, 0);
    const c = bytes[start];
    let value: unknown;
    let end: number;
    if (c === OPEN_OBJECT) ({ value, end } = shallowObject(bytes, start, minArray));
    else if (c === OPEN_ARRAY) ({ value, end } = readValue(bytes, start, minArray));
    else return parseWhole();
    if (skipWhitespace(bytes, end) !== bytes.length) throw new SyntaxError('Unexpected text after JSON');
    return value;
  } catch {
    return parseWhole(); // the scanner only finds structure; JSON.parse gives the precise error
  }
}

/**
 * Runs the array scan over a small sample (about 0.5 MB in all, past the growth of its bounds) so that the JIT compiles it while the page
 * waits for its document: the first scan of a 50 MB document otherwise starts in the interpreter and runs in
 * less optimized code until the optimizing compiler, on a background thread, has caught up.
 */
export function warmUpScanner(): void {
  const item = '{"fullUrl":"https://emr.example/fhir/Patient/1","resource":{"id":"p\\"1","name":[{"given":["Ann"]}]}}';
  const bytes = new TextEncoder().encode(`[${new Array<string>(1500).fill(item).join(',')}]`);
  for (let i = 0; i < 3; i++) scanArray(bytes, 0);
}
