/**
 * The `.http` request file format (the JetBrains HTTP Client / REST Client / httpYac syntax) with this
 * extension's additions. Requests are separated by `###`; each has optional comment lines (`# @name login`,
 * `# @server Clinic`), a request line `METHOD URL`, headers, a blank line and a body; `?? ...` lines are
 * assertions. `@name = value` lines define file variables. Line numbers are 0-based.
 */
import type { HttpMethod } from '../http/client';
import { SEND_METHODS } from './send';

export interface FileVariable {
  name: string;
  value: string;
  line: number;
}

export interface HeaderLine {
  name: string;
  value: string;
  line: number;
}

export interface AssertionLine {
  text: string;
  line: number;
}

export interface RequestBlock {
  /** Position in the file, from 0. */
  index: number;
  name?: string;
  /** `# @server Name` inside the block. */
  server?: string;
  method: HttpMethod;
  /** The URL as written, variables unresolved. */
  url: string;
  /** Line of the request line. */
  line: number;
  /** First and last line of the block (separators excluded). */
  startLine: number;
  endLine: number;
  headers: HeaderLine[];
  body?: string;
  bodyLine?: number;
  assertions: AssertionLine[];
}

export interface ParseProblem {
  line: number;
  message: string;
}

export interface HttpFile {
  variables: FileVariable[];
  /** `# @server Name` before the first request applies to every request without its own. */
  server?: string;
  requests: RequestBlock[];
  problems: ParseProblem[];
}

const SEPARATOR = /^###/;
const DIRECTIVE = /^\s*(?:#|\/\/)\s*@(name|server)\s+(.+?)\s*$/;
const COMMENT = /^\s*(?:#|\/\/)/;
const VARIABLE = /^\s*@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/;
// The URL may hold spaces only inside {{...}} ({{$env NAME}}).
const URL_TEXT = '(?:[^\\s{]|\\{\\{[^}]*\\}\\}|\\{)+';
const REQUEST_LINE = new RegExp(`^(${SEND_METHODS.join('|')})\\s+(${URL_TEXT})(?:\\s+HTTP\\/[\\d.]+)?\\s*$`, 'i');
const URL_ONLY = new RegExp(`^(?=/|https?://|\\{\\{)${URL_TEXT}$`);
const HEADER = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*(.*?)\s*$/;
const ASSERTION = /^\s*\?\?\s*(.*?)\s*$/;

export function parseHttpFile(text: string): HttpFile {
  const lines = text.split(/\r?\n/);
  const file: HttpFile = { variables: [], requests: [], problems: [] };
  let blockStart = 0;
  const flush = (end: number): void => {
    if (end >= blockStart) parseBlock(lines, blockStart, end, file);
  };
  lines.forEach((line, i) => {
    if (SEPARATOR.test(line)) {
      flush(i - 1);
      blockStart = i + 1;
    }
  });
  flush(lines.length - 1);
  return file;
}

function parseBlock(lines: string[], start: number, end: number, file: HttpFile): void {
  let name: string | undefined;
  let server: string | undefined;
  let i = start;
  for (; i <= end; i++) {
    const line = lines[i]!;
    const directive = DIRECTIVE.exec(line);
    const variable = VARIABLE.exec(line);
    if (directive) {
      if (directive[1] === 'name') name = directive[2];
      else server = directive[2];
    } else if (variable) file.variables.push({ name: variable[1]!, value: variable[2]!, line: i });
    else if (!line.trim() || COMMENT.test(line)) continue;
    else break;
  }
  if (i > end) {
    // A block with no request: its `# @server` is the file's (only before the first request).
    if (server && file.requests.length === 0) file.server ??= server;
    return;
  }
  const first = lines[i]!.trim();
  const request = REQUEST_LINE.exec(first);
  if (!request && !URL_ONLY.test(first)) {
    file.problems.push({ line: i, message: `Expected a request line such as "GET /api/patient", found "${first.slice(0, 60)}"` });
    return;
  }
  const block: RequestBlock = {
    index: file.requests.length,
    name,
    server,
    method: (request ? request[1]!.toUpperCase() : 'GET') as HttpMethod,
    url: request ? request[2]! : first,
    line: i,
    startLine: start,
    endLine: end,
    headers: [],
    assertions: [],
  };
  let j = i + 1;
  for (; j <= end; j++) {
    const line = lines[j]!;
    const assertion = ASSERTION.exec(line);
    if (assertion) block.assertions.push({ text: assertion[1]!, line: j });
    else if (!line.trim()) break;
    else if (COMMENT.test(line)) continue;
    else {
      const header = HEADER.exec(line);
      if (header) block.headers.push({ name: header[1]!, value: header[2]!, line: j });
      else file.problems.push({ line: j, message: `Expected a header "Name: value" or a blank line before the body` });
    }
  }
  const body: string[] = [];
  for (j += 1; j <= end; j++) {
    const line = lines[j]!;
    const assertion = ASSERTION.exec(line);
    if (assertion) block.assertions.push({ text: assertion[1]!, line: j });
    else {
      if (block.bodyLine === undefined && line.trim()) block.bodyLine = j;
      if (block.bodyLine !== undefined) body.push(line);
    }
  }
  // Trailing blank lines and comment lines (a comment before the next separator) are not part of the body.
  while (body.length && (!body[body.length - 1]!.trim() || /^\s*#/.test(body[body.length - 1]!))) body.pop();
  if (body.length) block.body = body.join('\n');
  file.requests.push(block);
}

/** The request whose block holds a line (for CodeLens, hover, the test item of a cursor). */
export function requestAt(file: HttpFile, line: number): RequestBlock | undefined {
  return file.requests.find((r) => line >= r.startLine && line <= r.endLine);
}
