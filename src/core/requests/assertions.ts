/**
 * Assertions after a request, in httpYac's form: `?? status == 200`, `?? body $.data.length > 0`,
 * `?? header content-type contains json`, `?? duration < 1000`, `?? body $.data[0].uuid exists`.
 */
import { isDeepStrictEqual } from 'node:util';
import { JsonPathError, query } from './jsonpath';

export const ASSERTION_OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  'contains',
  '!contains',
  'startsWith',
  'endsWith',
  'matches',
  'exists',
  '!exists',
] as const;
export type AssertionOperator = (typeof ASSERTION_OPERATORS)[number];

export interface Assertion {
  subject: 'status' | 'duration' | 'header' | 'body';
  /** Header name, or the JSONPath of `body` (empty: the whole body). */
  target: string;
  operator: AssertionOperator;
  /** The expected value as written (variables already resolved); empty for exists. */
  expected: string;
}

export interface AssertionResult {
  assertion: Assertion;
  passed: boolean;
  /** The actual value, as text. */
  actual: string;
  message: string;
}

export interface AssertedResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  text?: string;
  durationMs: number;
}

export class AssertionSyntaxError extends Error {}

const OPERATOR = ASSERTION_OPERATORS.map((o) => o.replace(/[!<>=]/g, (c) => `\\${c}`)).join('|');
const SHAPE = new RegExp(`^(status|duration|header|body)(?:\\s+(\\S+))??\\s+(${OPERATOR})(?:\\s+(.*))?$`);

/** Reads the text after `??`. */
export function parseAssertion(text: string): Assertion {
  const m = SHAPE.exec(text.trim());
  if (!m)
    throw new AssertionSyntaxError(
      `Cannot read the assertion "${text}": write "?? status == 200", "?? body $.data.length > 0" or "?? header content-type contains json"`,
    );
  const subject = m[1] as Assertion['subject'];
  const target = m[2] ?? '';
  const operator = m[3] as AssertionOperator;
  const expected = (m[4] ?? '').trim();
  if (subject === 'header' && !target)
    throw new AssertionSyntaxError(`"?? header" needs a header name: ?? header content-type contains json`);
  if ((subject === 'status' || subject === 'duration') && target)
    throw new AssertionSyntaxError(`"?? ${subject}" takes no path: ?? ${subject} ${operator} ${target}`);
  if (!operator.endsWith('exists') && expected === '')
    throw new AssertionSyntaxError(`"${text}" needs a value after ${operator}`);
  return { subject, target, operator, expected };
}

/** A literal as written: numbers, true/false/null, JSON strings and values, or else the bare text. */
function literal(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const show = (v: unknown): string => (v === undefined ? '(nothing)' : typeof v === 'string' ? v : JSON.stringify(v));

function actualOf(a: Assertion, res: AssertedResponse): unknown {
  switch (a.subject) {
    case 'status':
      return res.status;
    case 'duration':
      return res.durationMs;
    case 'header':
      return res.headers[a.target.toLowerCase()];
    case 'body':
      if (!a.target) return res.body !== undefined ? res.body : res.text;
      if (res.body === undefined) return undefined;
      try {
        return query(res.body, a.target.startsWith('$') ? a.target : `$.${a.target}`);
      } catch (err) {
        throw new AssertionSyntaxError(err instanceof JsonPathError ? err.message : String(err));
      }
  }
}

function compare(op: AssertionOperator, actual: unknown, expectedText: string): boolean {
  const expected = literal(expectedText);
  const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
  const text = typeof actual === 'string' ? actual : actual === undefined ? '' : JSON.stringify(actual);
  switch (op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case '!exists':
      return actual === undefined || actual === null;
    case '==':
    case '!=': {
      const same =
        isDeepStrictEqual(actual, expected) ||
        (typeof actual !== 'object' &&
          actual !== undefined &&
          String(actual) === (typeof expected === 'string' ? expected : String(expected)));
      return op === '==' ? same : !same;
    }
    case '<':
      return num(actual) < num(expected);
    case '<=':
      return num(actual) <= num(expected);
    case '>':
      return num(actual) > num(expected);
    case '>=':
      return num(actual) >= num(expected);
    case 'contains':
    case '!contains': {
      const needle = typeof expected === 'string' ? expected : JSON.stringify(expected);
      const has = Array.isArray(actual) ? actual.some((v) => isDeepStrictEqual(v, expected)) : text.includes(needle);
      return op === 'contains' ? has : !has;
    }
    case 'startsWith':
      return text.startsWith(String(expected));
    case 'endsWith':
      return text.endsWith(String(expected));
    case 'matches':
      return new RegExp(expectedText).test(text);
  }
}

export function evaluateAssertion(assertion: Assertion, res: AssertedResponse): AssertionResult {
  const actual = actualOf(assertion, res);
  const passed = compare(assertion.operator, actual, assertion.expected);
  const what = assertion.subject + (assertion.target ? ` ${assertion.target}` : '');
  const expectation = `${assertion.operator}${assertion.expected ? ` ${assertion.expected}` : ''}`;
  const actualText = show(actual);
  return {
    assertion,
    passed,
    actual: actualText,
    message: passed ? `${what} ${expectation}` : `${what}: expected ${expectation}, actual ${actualText.slice(0, 500)}`,
  };
}
