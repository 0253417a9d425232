/**
 * Search over the parsed document (never over the DOM), so matches inside collapsed or off-screen
 * parts count too. The walk is a generator that pauses every `chunkSize` nodes: the webview drives it
 * in slices between frames and the page stays responsive on a 50 MB document.
 */
import type { PathSegment } from './model';

export interface SearchOptions {
  query: string;
  regex: boolean;
  /** Only the first this-many matches keep their paths (for next/previous); all are counted. */
  maxStored?: number;
  chunkSize?: number;
}

export interface SearchMatch {
  path: PathSegment[];
  /** 'key' when the property name matched, 'value' when a leaf's text did. */
  on: 'key' | 'value';
}

export interface SearchProgress {
  count: number;
  matches: SearchMatch[];
  done: boolean;
}

/** Builds the tester for a query; throws SyntaxError for an invalid regular expression. */
export function compileMatcher(query: string, regex: boolean): RegExp {
  const source = regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(source, 'i');
}

/** The text a leaf shows for search and display: strings as they are, other scalars as JSON. */
export function leafText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

interface Frame {
  value: unknown;
  key: PathSegment | undefined;
  parent: Frame | undefined;
}

function framePath(frame: Frame): PathSegment[] {
  const path: PathSegment[] = [];
  for (let f: Frame | undefined = frame; f && f.key !== undefined; f = f.parent) path.push(f.key);
  return path.reverse();
}

export function* searchDocument(root: unknown, options: SearchOptions): Generator<SearchProgress, SearchProgress> {
  const matcher = compileMatcher(options.query, options.regex);
  const maxStored = options.maxStored ?? 100_000;
  const chunkSize = options.chunkSize ?? 50_000;
  const result: SearchProgress = { count: 0, matches: [], done: false };
  const record = (frame: Frame, on: SearchMatch['on']): void => {
    result.count++;
    if (result.matches.length < maxStored) result.matches.push({ path: framePath(frame), on });
  };
  // Explicit stack (children pushed in reverse) keeps document order without recursion limits.
  const stack: Frame[] = [{ value: root, key: undefined, parent: undefined }];
  let visited = 0;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if (typeof frame.key === 'string' && matcher.test(frame.key)) record(frame, 'key');
    const { value } = frame;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: frame });
    } else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (value as Record<string, unknown>)[keys[i]], key: keys[i], parent: frame });
      }
    } else if (matcher.test(leafText(value))) {
      record(frame, 'value');
    }
    if (++visited % chunkSize === 0) yield result;
  }
  result.done = true;
  return result;
}

/** Runs a search to the end in one go (tests and small documents). */
export function searchAll(root: unknown, options: SearchOptions): SearchProgress {
  const run = searchDocument(root, options);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}
