/**
 * OpenEMR's refusals of a write, as messages on fields: the standard API's `validationErrors`
 * (`{field: message}`, `{field: {rule: message}}` or a list) and FHIR's OperationOutcome issues
 * (`expression` / `location` name the element). vscode-free.
 */
import { isObject } from './fields';

export interface FieldProblem {
  /** The top-level field the problem is about; undefined when OpenEMR named none. */
  field?: string;
  message: string;
}

function messagesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  if (isObject(value)) return Object.values(value).flatMap(messagesOf);
  return [];
}

/** `name.family`, `Patient.name[0].family` and `name[0]` all belong to the top-level field `name`. */
function topField(path: string): string {
  return path.replace(/^[A-Z][A-Za-z]+\./, '').split(/[.[]/)[0]!;
}

function fromValidationErrors(errors: unknown): FieldProblem[] {
  if (Array.isArray(errors))
    return errors.flatMap((e) => (isObject(e) ? fromValidationErrors(e) : messagesOf(e).map((message) => ({ message }))));
  if (!isObject(errors)) return messagesOf(errors).map((message) => ({ message }));
  return Object.entries(errors).flatMap(([key, value]) =>
    messagesOf(value).map((message) => ({ field: /^\d+$/.test(key) ? undefined : topField(key), message })),
  );
}

function fromOperationOutcome(outcome: Record<string, unknown>): FieldProblem[] {
  const issues = Array.isArray(outcome.issue) ? outcome.issue : [];
  return issues.filter(isObject).map((issue) => {
    const where = [
      ...(Array.isArray(issue.expression) ? issue.expression : []),
      ...(Array.isArray(issue.location) ? issue.location : []),
    ];
    const details = isObject(issue.details) && typeof issue.details.text === 'string' ? issue.details.text : undefined;
    const message = (typeof issue.diagnostics === 'string' ? issue.diagnostics : details) ?? String(issue.code ?? 'invalid');
    return { field: typeof where[0] === 'string' ? topField(where[0]) : undefined, message };
  });
}

/** The field problems in a write's answer body; empty when the answer holds none. */
export function fieldProblems(body: unknown): FieldProblem[] {
  if (!isObject(body)) return [];
  if (body.resourceType === 'OperationOutcome') return fromOperationOutcome(body);
  if ('validationErrors' in body) return fromValidationErrors(body.validationErrors);
  return [];
}

export interface TextRange {
  /** Offsets into the document text. */
  start: number;
  end: number;
}

/**
 * Where a top-level field's key stands in a JSON document's text (nested keys of the same name are
 * skipped); undefined when the document does not hold it.
 */
export function locateField(text: string, field: string): TextRange | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const isKey = /^\s*:/.test(text.slice(j + 1, j + 40));
      if (depth === 1 && isKey && safeParse(text.slice(i, j + 1)) === field) return { start: i, end: j + 1 };
      i = j;
    }
  }
  return undefined;
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
