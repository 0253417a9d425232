/**
 * Code snippets of a request: cURL (POSIX shell), fetch (TypeScript, also valid JavaScript) and Python
 * requests. Each reads the token from the OPENEMR_TOKEN environment variable, unless the caller passes the
 * live token (after the user was warned). Every value is quoted for its language.
 */
import type { HttpMethod } from '../http/client';

export type SnippetKind = 'curl' | 'fetch' | 'python';

export const SNIPPET_KINDS: Record<SnippetKind, string> = {
  curl: 'cURL',
  fetch: 'fetch (TypeScript)',
  python: 'Python requests',
};

export const TOKEN_VARIABLE = 'OPENEMR_TOKEN';

export interface SnippetRequest {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  /** Headers other than Authorization (which every snippet adds). */
  headers?: Record<string, string>;
  /** The body exactly as it is to be sent. */
  body?: string;
}

export interface SnippetOptions {
  /** The live token to write into the snippet instead of the environment variable. */
  token?: string;
}

/** Quotes for POSIX shells: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A string literal for JavaScript/TypeScript and Python alike (JSON string syntax is valid in both). */
function stringLiteral(value: string): string {
  return JSON.stringify(value);
}

function withoutAuthorization(headers: Record<string, string> | undefined): [string, string][] {
  return Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization');
}

export function curlSnippet(req: SnippetRequest, opts: SnippetOptions = {}): string {
  const parts = [`curl -sS${req.method === 'GET' ? '' : ` -X ${req.method}`} ${shellQuote(req.url)}`];
  for (const [name, value] of withoutAuthorization(req.headers)) parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  // Double quotes, so that the shell expands the variable.
  parts.push(
    opts.token ? `-H ${shellQuote(`Authorization: Bearer ${opts.token}`)}` : `-H "Authorization: Bearer $${TOKEN_VARIABLE}"`,
  );
  if (req.body !== undefined) parts.push(`--data-raw ${shellQuote(req.body)}`);
  return parts.join(' \\\n  ');
}

export function fetchSnippet(req: SnippetRequest, opts: SnippetOptions = {}): string {
  const headers = withoutAuthorization(req.headers).map(
    ([name, value]) => `    ${stringLiteral(name)}: ${stringLiteral(value)},`,
  );
  headers.push(
    opts.token
      ? `    Authorization: ${stringLiteral(`Bearer ${opts.token}`)},`
      : `    Authorization: \`Bearer \${process.env.${TOKEN_VARIABLE}}\`,`,
  );
  return [
    `const response = await fetch(${stringLiteral(req.url)}, {`,
    `  method: ${stringLiteral(req.method)},`,
    '  headers: {',
    ...headers,
    '  },',
    ...(req.body !== undefined ? [`  body: ${stringLiteral(req.body)},`] : []),
    '});',
    'console.log(response.status, response.statusText);',
    'console.log(await response.text());',
    '',
  ].join('\n');
}

export function pythonSnippet(req: SnippetRequest, opts: SnippetOptions = {}): string {
  const headers = withoutAuthorization(req.headers).map(
    ([name, value]) => `        ${stringLiteral(name)}: ${stringLiteral(value)},`,
  );
  headers.push(
    opts.token
      ? `        "Authorization": ${stringLiteral(`Bearer ${opts.token}`)},`
      : `        "Authorization": "Bearer " + os.environ["${TOKEN_VARIABLE}"],`,
  );
  return [
    ...(opts.token ? [] : ['import os', '']),
    'import requests',
    '',
    'response = requests.request(',
    `    ${stringLiteral(req.method)},`,
    `    ${stringLiteral(req.url)},`,
    '    headers={',
    ...headers,
    '    },',
    ...(req.body !== undefined ? [`    data=${stringLiteral(req.body)}.encode("utf-8"),`] : []),
    '    timeout=30,',
    ')',
    'print(response.status_code, response.reason)',
    'print(response.text)',
    '',
  ].join('\n');
}

export function snippet(kind: SnippetKind, req: SnippetRequest, opts: SnippetOptions = {}): string {
  return kind === 'curl' ? curlSnippet(req, opts) : kind === 'fetch' ? fetchSnippet(req, opts) : pythonSnippet(req, opts);
}
