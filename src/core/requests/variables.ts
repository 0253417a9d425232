/**
 * `{{...}}` in request files: file variables (`@host = ...`), the tree selection (`{{patient.uuid}}`,
 * `{{patient.pid}}`, `{{encounter.uuid}}`), values of earlier named requests
 * (`{{login.response.body.$.data[0].uuid}}`, `{{login.response.headers.Location}}`, `{{login.response.status}}`)
 * and environment variables (`{{$env NAME}}`, also REST Client's `{{$processEnv NAME}}`).
 */
import type { FileVariable } from './httpFile';
import { JsonPathError, query } from './jsonpath';

export const SELECTION_VARIABLES = ['patient.uuid', 'patient.pid', 'encounter.uuid', 'encounter.eid'] as const;
export type SelectionVariable = (typeof SELECTION_VARIABLES)[number];

export type VariableExpr =
  | { kind: 'file'; name: string }
  | { kind: 'env'; name: string }
  | { kind: 'selection'; key: SelectionVariable }
  | { kind: 'response'; request: string; part: 'body' | 'headers' | 'status'; path: string };

export interface VariableRef {
  expr: string;
  /** Offsets of `{{` and after `}}` in the text. */
  start: number;
  end: number;
}

/** The answer of a named request, as far as references read it. */
export interface NamedResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  text?: string;
}

export interface VariableScope {
  variables: readonly FileVariable[];
  selection: Partial<Record<SelectionVariable, string>>;
  responses: ReadonlyMap<string, NamedResponse>;
  env: (name: string) => string | undefined;
}

export function findVariables(text: string): VariableRef[] {
  return [...text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => ({
    expr: m[1]!,
    start: m.index,
    end: m.index + m[0].length,
  }));
}

export function classifyVariable(expr: string): VariableExpr | undefined {
  const env = /^\$(?:env|processEnv)\s+([A-Za-z_][\w]*)$/.exec(expr);
  if (env) return { kind: 'env', name: env[1]! };
  if ((SELECTION_VARIABLES as readonly string[]).includes(expr)) return { kind: 'selection', key: expr as SelectionVariable };
  const response = /^([A-Za-z_][\w-]*)\.response\.(body|headers|status)(?:\.(.*))?$/.exec(expr);
  if (response) return { kind: 'response', request: response[1]!, part: response[2] as 'body', path: response[3] ?? '' };
  if (/^[A-Za-z_][\w.-]*$/.test(expr)) return { kind: 'file', name: expr };
  return undefined;
}

export class VariableError extends Error {
  constructor(
    readonly expr: string,
    message: string,
  ) {
    super(message);
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fromResponse(expr: Extract<VariableExpr, { kind: 'response' }>, response: NamedResponse): string {
  if (expr.part === 'status') return String(response.status);
  if (expr.part === 'headers') {
    const value = response.headers[expr.path.toLowerCase()];
    if (value === undefined) throw new VariableError(expr.path, `The answer of "${expr.request}" has no header ${expr.path}`);
    return value;
  }
  const path = expr.path.trim();
  if (!path || path === '*') return response.body !== undefined ? JSON.stringify(response.body) : (response.text ?? '');
  if (response.body === undefined) throw new VariableError(path, `The answer of "${expr.request}" is not JSON`);
  let value: unknown;
  try {
    value = query(response.body, path.startsWith('$') ? path : `$.${path}`);
  } catch (err) {
    throw new VariableError(path, err instanceof JsonPathError ? err.message : String(err));
  }
  if (value === undefined) throw new VariableError(path, `${path} selects nothing in the answer of "${expr.request}"`);
  return asText(value);
}

/** The value of one `{{expr}}`; throws VariableError naming what is missing. */
export function resolveVariable(expr: string, scope: VariableScope, depth = 0): string {
  const parsed = classifyVariable(expr);
  if (!parsed) throw new VariableError(expr, `{{${expr}}} is not a variable`);
  switch (parsed.kind) {
    case 'env': {
      const value = scope.env(parsed.name);
      if (value === undefined) throw new VariableError(expr, `The environment variable ${parsed.name} is not set`);
      return value;
    }
    case 'selection': {
      const value = scope.selection[parsed.key];
      if (!value)
        throw new VariableError(expr, `{{${expr}}} needs a ${parsed.key.split('.')[0]} selected in the OpenEMR Servers view`);
      return value;
    }
    case 'response': {
      const response = scope.responses.get(parsed.request);
      if (!response)
        throw new VariableError(expr, `{{${expr}}} reads the request "${parsed.request}", which has not been sent yet`);
      return fromResponse(parsed, response);
    }
    case 'file': {
      // The last definition wins, as in REST Client.
      const variable = [...scope.variables].reverse().find((v) => v.name === parsed.name);
      if (!variable) throw new VariableError(expr, `{{${expr}}} is not defined (add "@${expr} = value")`);
      if (depth > 10) throw new VariableError(expr, `{{${expr}}} refers to itself`);
      return resolveTemplate(variable.value, scope, depth + 1);
    }
  }
}

/** Replaces every `{{...}}` of a text. */
export function resolveTemplate(text: string, scope: VariableScope, depth = 0): string {
  let out = '';
  let at = 0;
  for (const ref of findVariables(text)) {
    out += text.slice(at, ref.start) + resolveVariable(ref.expr, scope, depth);
    at = ref.end;
  }
  return out + text.slice(at);
}
