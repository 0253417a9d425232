/**
 * What the editor flags in a request file: a token written into the file, unknown routes, undefined
 * variables, unreadable lines and assertions. Columns are 0-based offsets in the line.
 */
import { matchRoute } from '../catalog/resources';
import { AssertionSyntaxError, parseAssertion } from './assertions';
import type { HttpFile, RequestBlock } from './httpFile';
import { classifyVariable, findVariables } from './variables';

export type CheckCode = 'token-in-file' | 'unknown-route' | 'undefined-variable' | 'syntax';

export interface FileCheck {
  line: number;
  start: number;
  end: number;
  severity: 'warning' | 'error' | 'info';
  code: CheckCode;
  message: string;
}

/** A bearer value that looks like a real token (not a `{{variable}}` or a short placeholder). */
export function looksLikeToken(value: string): boolean {
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(value);
  if (!m) return false;
  const token = m[1]!;
  return !token.includes('{{') && token.length >= 20 && /^[A-Za-z0-9._~+/=-]+$/.test(token);
}

/** The path of a request URL with variables made neutral, for matching against the catalog. */
function routePath(url: string): string | undefined {
  if (!url.startsWith('/')) return undefined;
  return url.split('?')[0]!.replace(/\{\{[^}]*\}\}/g, 'x');
}

function checkVariables(file: HttpFile, text: string, line: number, offset: number, out: FileCheck[]): void {
  const defined = new Set(file.variables.map((v) => v.name));
  const named = new Set(file.requests.map((r) => r.name).filter(Boolean));
  for (const ref of findVariables(text)) {
    const v = classifyVariable(ref.expr);
    const at = { line, start: offset + ref.start, end: offset + ref.end, code: 'undefined-variable' as const };
    if (!v) out.push({ ...at, severity: 'error', message: `{{${ref.expr}}} is not a variable` });
    else if (v.kind === 'file' && !defined.has(v.name))
      out.push({ ...at, severity: 'error', message: `{{${v.name}}} is not defined: add "@${v.name} = value"` });
    else if (v.kind === 'response' && !named.has(v.request))
      out.push({ ...at, severity: 'error', message: `No request is named "${v.request}": add "# @name ${v.request}" above it` });
  }
}

function checkRequest(file: HttpFile, block: RequestBlock, lines: string[], out: FileCheck[]): void {
  const requestLine = lines[block.line] ?? '';
  const urlAt = requestLine.indexOf(block.url);
  const path = routePath(block.url);
  if (path && /^\/(api|fhir|portal)(\/|$)/.test(path) && !matchRoute(block.method, path))
    out.push({
      line: block.line,
      start: Math.max(0, urlAt),
      end: Math.max(0, urlAt) + block.url.length,
      severity: 'warning',
      code: 'unknown-route',
      message: `${block.method} ${block.url.split('?')[0]} is not a route OpenEMR knows`,
    });
  else if (path && !/^\/(api|fhir|portal)(\/|$)/.test(path))
    out.push({
      line: block.line,
      start: Math.max(0, urlAt),
      end: Math.max(0, urlAt) + block.url.length,
      severity: 'error',
      code: 'unknown-route',
      message: 'Paths start with /api, /fhir or /portal (relative to the API root)',
    });
  checkVariables(file, block.url, block.line, Math.max(0, urlAt), out);
  for (const h of block.headers) {
    const text = lines[h.line] ?? '';
    if (h.name.toLowerCase() === 'authorization' && looksLikeToken(h.value))
      out.push({
        line: h.line,
        start: 0,
        end: text.length,
        severity: 'warning',
        code: 'token-in-file',
        message:
          'This line holds a token. The extension adds the Authorization header when it sends: remove the line, so no token is kept in the file.',
      });
    checkVariables(file, h.value, h.line, text.indexOf(h.value), out);
  }
  if (block.body !== undefined && block.bodyLine !== undefined)
    block.body.split('\n').forEach((text, i) => checkVariables(file, text, block.bodyLine! + i, 0, out));
  for (const a of block.assertions) {
    const text = lines[a.line] ?? '';
    try {
      parseAssertion(a.text.replace(/\{\{[^}]*\}\}/g, '0'));
    } catch (err) {
      if (err instanceof AssertionSyntaxError)
        out.push({ line: a.line, start: 0, end: text.length, severity: 'error', code: 'syntax', message: err.message });
    }
    checkVariables(file, a.text, a.line, text.indexOf(a.text), out);
  }
}

export function checkHttpFile(file: HttpFile, text: string): FileCheck[] {
  const lines = text.split(/\r?\n/);
  const out: FileCheck[] = [];
  for (const p of file.problems)
    out.push({
      line: p.line,
      start: 0,
      end: (lines[p.line] ?? '').length,
      severity: 'error',
      code: 'syntax',
      message: p.message,
    });
  for (const v of file.variables) checkVariables(file, v.value, v.line, (lines[v.line] ?? '').indexOf(v.value), out);
  for (const block of file.requests) checkRequest(file, block, lines, out);
  return out;
}

/** The text of a file without the Authorization lines that hold a token. */
export function removeTokenLines(text: string, file: HttpFile): { text: string; removed: number } {
  const drop = new Set(
    file.requests.flatMap((r) =>
      r.headers.filter((h) => h.name.toLowerCase() === 'authorization' && looksLikeToken(h.value)).map((h) => h.line),
    ),
  );
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return {
    text: text
      .split(/\r?\n/)
      .filter((_l, i) => !drop.has(i))
      .join(eol),
    removed: drop.size,
  };
}

/** A starter request file for a server: the first requests of a setup, with assertions. */
export function starterFile(serverName: string): string {
  return [
    `# OpenEMR requests for ${serverName}. Send one with "Send" above it, or run them all as tests.`,
    `# The token is added when a request is sent: never write an Authorization header here.`,
    `# @server ${serverName}`,
    '',
    '@limit = 5',
    '',
    '###',
    '# @name patients',
    'GET /api/patient?_limit={{limit}}',
    '',
    '?? status == 200',
    '?? body $.data.length > 0',
    '',
    '###',
    '# @name patient',
    'GET /api/patient/{{patients.response.body.$.data[0].uuid}}',
    '',
    '?? status == 200',
    '?? body $.data.uuid == {{patients.response.body.$.data[0].uuid}}',
    '',
    '###',
    '# @name metadata',
    'GET /fhir/metadata',
    '',
    '?? status == 200',
    '?? header content-type contains json',
    '?? body $.resourceType == CapabilityStatement',
    '',
  ].join('\n');
}
