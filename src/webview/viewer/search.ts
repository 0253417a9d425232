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

/** A container being walked: its frame, its keys (undefined for an array) and the next child to read. */
interface Cursor {
  frame: Frame;
  keys: string[] | undefined;
  next: number;
  length: number;
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
  // An explicit stack of cursors keeps document order without recursion limits. Each cursor reads its
  // container one child at a time: the lazily parsed entries of a big Bundle are then parsed as the walk
  // reaches them, and the first slice can show the first match without touching the rest.
  const stack: Cursor[] = [];
  let visited = 0;
  const visit = (frame: Frame): void => {
    if (typeof frame.key === 'string' && matcher.test(frame.key)) record(frame, 'key');
    const { value } = frame;
    if (Array.isArray(value)) stack.push({ frame, keys: undefined, next: 0, length: value.length });
    else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      stack.push({ frame, keys, next: 0, length: keys.length });
    } else if (matcher.test(leafText(value))) record(frame, 'value');
  };
  visit({ value: root, key: undefined, parent: undefined });
  while (stack.length > 0) {
    const cursor = stack[stack.length - 1] as Cursor;
    if (cursor.next >= cursor.length) {
      stack.pop();
      continue;
    }
    const index = cursor.next++;
    const key = cursor.keys ? (cursor.keys[index] as string) : index;
    const container = cursor.frame.value as Record<string | number, unknown>;
    visit({ value: container[key], key, parent: cursor.frame });
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
