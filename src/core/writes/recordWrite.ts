/**
 * Reading a record for editing, planning a save (conflict check and diff against the server's current
 * version) and sending a write. Writes are sent once: `resend: 'never'`, so a confirmed PUT, POST or
 * DELETE is never repeated on its own, not even after a token renewal. vscode-free.
 */
import type { ApiResponse, OpenEmrClient } from '../api/client';
import { OpenEmrError } from '../errors';
import type { HttpMethod } from '../http/client';
import { diffFields, editableDocument, isObject, type FieldChange, type JsonObject } from './fields';
import { fieldProblems, type FieldProblem } from './validation';

export type RecordApi = 'standard' | 'fhir';

export function apiOfPath(path: string): RecordApi {
  return path.startsWith('/fhir/') ? 'fhir' : 'standard';
}

/** The record at `path` (a standard API answer's `data`, or the FHIR resource). */
export async function readRecord(client: OpenEmrClient, path: string, signal?: AbortSignal): Promise<JsonObject> {
  const data = client.unwrap(await client.request('GET', path, undefined, { signal }));
  const record: unknown = Array.isArray(data) ? data[0] : data;
  if (!isObject(record))
    throw new OpenEmrError('resource-not-found', `No record at ${path}`, {
      explanation: 'OpenEMR answered without a record.',
      fix: 'Refresh the tree: the record may have been deleted.',
    });
  return record;
}

/** The editable document of the record at `path`, as the server holds it now. */
export async function readEditable(client: OpenEmrClient, path: string, signal?: AbortSignal): Promise<JsonObject> {
  return editableDocument(apiOfPath(path), await readRecord(client, path, signal));
}

export interface SavePlan {
  /** What the save changes on the server: its current version → the document. */
  changes: FieldChange[];
  /** Set when the server's version is no longer the one the document was opened from. */
  conflict?: { serverChanges: FieldChange[] };
  /** The server's current editable version. */
  current: JsonObject;
}

/** Fetches the server's current version and compares it with the version the document was opened from. */
export async function planSave(
  client: OpenEmrClient,
  path: string,
  base: JsonObject,
  edited: JsonObject,
  signal?: AbortSignal,
): Promise<SavePlan> {
  const current = await readEditable(client, path, signal);
  const serverChanges = diffFields(base, current);
  return { changes: diffFields(current, edited), conflict: serverChanges.length ? { serverChanges } : undefined, current };
}

export interface WriteOutcome {
  ok: boolean;
  status: number;
  /** The standard envelope's `data`, or the FHIR resource. */
  data: unknown;
  headers: Record<string, string>;
  /** Field problems OpenEMR named (validationErrors, OperationOutcome issues). */
  problems: FieldProblem[];
  /** The raw `validationErrors` (or OperationOutcome) of a refusal. */
  validationErrors?: unknown;
  error?: OpenEmrError;
}

/** Sends one write, never re-sent; a refusal is returned (not thrown) so the caller can show its fields. */
export async function sendWrite(
  client: OpenEmrClient,
  method: Extract<HttpMethod, 'POST' | 'PUT' | 'PATCH' | 'DELETE'>,
  path: string,
  body?: JsonObject,
  signal?: AbortSignal,
): Promise<WriteOutcome> {
  const res: ApiResponse = await client.request(method, path, body, { signal, resend: 'never' });
  const problems = res.ok ? [] : fieldProblems(res.body);
  const refusal = isObject(res.body)
    ? (res.body.validationErrors ?? (res.body.resourceType === 'OperationOutcome' ? res.body : undefined))
    : undefined;
  return {
    ok: res.ok,
    status: res.status,
    data: res.data,
    headers: res.headers,
    problems,
    validationErrors: res.ok ? undefined : refusal,
    error: res.error,
  };
}

/** The document a user edits, parsed; `$schema` (the editor's schema link) is not part of the record. */
export function parseDocument(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OpenEmrError('invalid-request', `The document is not valid JSON: ${(error as Error).message}`, {
      explanation: 'Only a JSON object can be sent to OpenEMR.',
      fix: 'Correct the JSON (the Problems panel shows where) and save again.',
    });
  }
  if (!isObject(parsed))
    throw new OpenEmrError('invalid-request', 'The document must hold one JSON object', {
      explanation: 'OpenEMR records are JSON objects.',
      fix: 'Put the fields between { and }.',
    });
  const { $schema: _schema, ...record } = parsed;
  return record;
}
