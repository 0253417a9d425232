/**
 * FHIR Bulk Data export against OpenEMR (facts §7): kick-off with `Prefer: respond-async`, status polls on
 * the Content-Location at the server's Retry-After, then every output file streamed to disk as
 * `{Type}-{n}.ndjson`, an `export-manifest.json` and a summary. Cancelling sends DELETE to the status URL
 * and removes what this run wrote, so no partial file is ever announced complete. vscode-free.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { OpenEmrClient } from '../api/client';
import { OpenEmrError, isOpenEmrError } from '../errors';
import { LineCounter, readOutcomeMessages } from './ndjson';

export type ExportLevel = 'system' | 'patient' | 'group';

export interface BulkExportRequest {
  level: ExportLevel;
  /** The Group's id, for `level: "group"`. */
  groupId?: string;
  /** `_type`: resource types to export (all the server offers when empty). */
  types?: readonly string[];
  /** `_since`: an instant (`2026-01-01T00:00:00Z`). */
  since?: string;
  /** Folder the files are written to (created when missing). */
  folder: string;
}

export interface ExportProgress {
  phase: 'kick-off' | 'waiting' | 'downloading' | 'cancelling';
  elapsedMs: number;
  /** The progress header OpenEMR sent with its last 202 (`X-Progress`), if any. */
  serverProgress?: string;
  polls: number;
  /** While downloading: the file being written and how many are done. */
  file?: string;
  filesDone?: number;
  filesTotal?: number;
}

export interface ExportedFile {
  type: string;
  path: string;
  lines: number;
  bytes: number;
}

export interface ExportErrorFile {
  type: string;
  path: string;
  messages: string[];
}

export interface BulkExportResult {
  files: ExportedFile[];
  errors: ExportErrorFile[];
  manifestPath: string;
  durationMs: number;
  /** The status URL the job was polled at. */
  statusUrl: string;
  transactionTime?: string;
}

export interface BulkExportOptions {
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  /** Waits between polls; replaced in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Default 2 s when the server sends no Retry-After; polls never wait more than `maxWaitMs`. */
  defaultWaitMs?: number;
  maxWaitMs?: number;
  /** Time limit of one file's download (default 1 hour). */
  downloadTimeoutMs?: number;
}

interface ManifestEntry {
  type: string;
  url: string;
  count?: number;
}

interface StatusManifest {
  transactionTime?: string;
  request?: string;
  requiresAccessToken?: boolean;
  output: ManifestEntry[];
  error: ManifestEntry[];
  [key: string]: unknown;
}

/** The operation scopes of the three export levels and of the status URL, and the read of the files (Binary). */
export const BULK_EXPORT_SCOPES = [
  'system/*.$export',
  'system/Patient.$export',
  'system/Group.$export',
  'system/*.$bulkdata-status',
  'system/Binary.read',
];

/** A SMART v1 or v2 scope that reads Binary: OpenEMR serves each export file as a Binary. */
const BINARY_READ = /^system\/(Binary|\*)\.(read|\*|c?ru?d?s?)$/;

const SYSTEM_SCOPE_FIX =
  'Sign in as a backend service: register a client with a key pair (private_key_jwt) and the system/ export scopes ' +
  `(${BULK_EXPORT_SCOPES.join(', ')}), have it enabled, and sign in with ` +
  'client credentials. The server needs "Enable OpenEMR FHIR System Scopes" (rest_system_scopes_api) in Administration > Config > Connectors.';

/** The kick-off path of a level. */
export function exportPath(level: ExportLevel, groupId?: string): string {
  if (level === 'system') return '/fhir/$export';
  if (level === 'patient') return '/fhir/Patient/$export';
  if (!groupId) throw new OpenEmrError('invalid-request', 'A Group export needs the id of the group', { fix: 'Pass groupId.' });
  return `/fhir/Group/${encodeURIComponent(groupId)}/$export`;
}

const LEVEL_SCOPE: Record<ExportLevel, string> = {
  system: 'system/*.$export',
  patient: 'system/Patient.$export',
  group: 'system/Group.$export',
};

/**
 * Refuses before any request when the token cannot export: no system/ scope at all (not a backend
 * session), or no export operation scope for the level.
 */
export function checkExportScopes(level: ExportLevel, granted: readonly string[]): void {
  if (!granted.some((s) => s.startsWith('system/')))
    throw new OpenEmrError(
      'missing-scope',
      'Bulk export needs a backend-service (client credentials) session with system/ scopes',
      {
        explanation: 'OpenEMR exports only to backend services: the current sign-in has no system/ scope.',
        fix: SYSTEM_SCOPE_FIX,
        scopes: [LEVEL_SCOPE[level], 'system/*.$bulkdata-status'],
      },
    );
  const ok = granted.includes(LEVEL_SCOPE[level]) || granted.includes('system/*.$export');
  if (!ok)
    throw new OpenEmrError('missing-scope', `Bulk export at ${level} level needs the scope ${LEVEL_SCOPE[level]}`, {
      explanation: `The backend session's scopes do not include ${LEVEL_SCOPE[level]}.`,
      fix: `Add ${LEVEL_SCOPE[level]} and system/*.$bulkdata-status to the client's scopes (register it again with them) and sign in again.`,
      scopes: [LEVEL_SCOPE[level]],
    });
  if (!granted.some((s) => BINARY_READ.test(s)))
    throw new OpenEmrError('missing-scope', 'Bulk export needs the scope system/Binary.read to download the files', {
      explanation: 'OpenEMR serves each exported file at /fhir/Binary/{id}, which needs system/Binary.read.',
      fix: "Add system/Binary.read to the client's scopes (register it again with them) and sign in again.",
      scopes: ['system/Binary.read'],
    });
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelled(): OpenEmrError {
  return new OpenEmrError('cancelled', 'The bulk export was cancelled', {
    explanation: 'The export was cancelled; the server was asked to delete the job and no file of it was kept.',
    fix: 'Start the export again when you need it.',
  });
}

function entries(value: unknown): ManifestEntry[] {
  return Array.isArray(value)
    ? value.filter((e): e is ManifestEntry => Boolean(e) && typeof e === 'object' && typeof (e as ManifestEntry).url === 'string')
    : [];
}

function readManifest(body: unknown): StatusManifest {
  const o = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (!o || !Array.isArray(o.output))
    throw new OpenEmrError('unexpected', 'The export status answer has no output list', {
      explanation: 'OpenEMR answered 200 to the status request, but not with a bulk data manifest.',
      fix: 'Check the server log (Administration > Logs) and try the export again.',
    });
  return { ...o, output: entries(o.output), error: entries(o.error) };
}

/** The status answer as written to disk: no token, ever (it holds none, but a proxy might add one). */
function manifestForDisk(manifest: StatusManifest, files: ExportedFile[], errors: ExportErrorFile[], durationMs: number): string {
  const text = JSON.stringify(
    { ...manifest, downloaded: { files, errors: errors.map((e) => ({ type: e.type, path: e.path })), durationMs } },
    (key, value: unknown) => (/token|secret|authorization/i.test(key) && key !== 'requiresAccessToken' ? undefined : value),
    2,
  );
  return `${text}\n`;
}

function safeType(type: string): string {
  return /^[A-Za-z]+$/.test(type) ? type : 'Unknown';
}

export class BulkExport {
  private readonly written = new Set<string>();
  private statusUrl: string | undefined;

  constructor(
    private readonly client: OpenEmrClient,
    private readonly request: BulkExportRequest,
    private readonly options: BulkExportOptions = {},
  ) {}

  /** Runs the whole export; rejects with a `cancelled` OpenEmrError after a cancel (the job was DELETEd). */
  async run(): Promise<BulkExportResult> {
    const started = Date.now();
    const { signal } = this.options;
    let polls = 0;
    const progress = (p: Omit<ExportProgress, 'elapsedMs' | 'polls'>): void =>
      this.options.onProgress?.({ ...p, polls, elapsedMs: Date.now() - started });
    try {
      progress({ phase: 'kick-off' });
      this.statusUrl = await this.kickOff();
      let manifest: StatusManifest | undefined;
      let serverProgress: string | undefined;
      while (!manifest) {
        const res = await this.client.request('GET', this.statusUrl, undefined, {
          signal,
          headers: { Accept: 'application/json' },
        });
        polls++;
        if (res.status === 202) {
          serverProgress = res.headers['x-progress'] ?? serverProgress;
          progress({ phase: 'waiting', serverProgress });
          const wait = retryAfterMs(res.headers['retry-after']) ?? this.options.defaultWaitMs ?? 2000;
          await (this.options.sleep ?? defaultSleep)(Math.min(Math.max(wait, 100), this.options.maxWaitMs ?? 120_000), signal);
        } else if (res.status === 200) manifest = readManifest(res.body);
        else throw this.statusError(res.error, res.status);
      }
      const files: ExportedFile[] = [];
      const errors: ExportErrorFile[] = [];
      await mkdir(this.request.folder, { recursive: true });
      const counts = new Map<string, number>();
      const all = [...manifest.output.map((e) => ({ e, isError: false })), ...manifest.error.map((e) => ({ e, isError: true }))];
      for (const [i, { e, isError }] of all.entries()) {
        const type = safeType(e.type);
        const key = isError ? `error-${type}` : type;
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        const name = isError ? `errors-${type}-${n}.ndjson` : `${type}-${n}.ndjson`;
        progress({ phase: 'downloading', serverProgress, file: name, filesDone: i, filesTotal: all.length });
        const file = await this.download(e.url, name, manifest.requiresAccessToken !== false);
        if (isError) errors.push({ type, path: file.path, messages: await readOutcomeMessages(file.path) });
        else files.push({ type, ...file });
      }
      const manifestPath = path.join(this.request.folder, 'export-manifest.json');
      const durationMs = Date.now() - started;
      await writeFile(manifestPath, manifestForDisk(manifest, files, errors, durationMs));
      return { files, errors, manifestPath, durationMs, statusUrl: this.statusUrl, transactionTime: manifest.transactionTime };
    } catch (error) {
      await this.discard();
      if (signal?.aborted || isOpenEmrError(error, 'cancelled')) {
        progress({ phase: 'cancelling', file: undefined });
        await this.deleteJob();
        throw cancelled();
      }
      throw error;
    }
  }

  private async kickOff(): Promise<string> {
    const { level, groupId, types, since } = this.request;
    const res = await this.client.request('GET', exportPath(level, groupId), undefined, {
      signal: this.options.signal,
      headers: { Prefer: 'respond-async', Accept: 'application/fhir+json' },
      query: { _type: types?.length ? types.join(',') : undefined, _since: since },
    });
    const location = res.headers['content-location'];
    if (res.status === 202 && location) return location;
    if (res.error) {
      const e = res.error;
      const noSystem = e.kind === 'insufficient-permissions' || e.kind === 'missing-scope';
      throw noSystem
        ? new OpenEmrError(e.kind, `${e.message} (bulk export)`, {
            status: e.status,
            explanation: e.explanation,
            fix: SYSTEM_SCOPE_FIX,
          })
        : e;
    }
    throw new OpenEmrError('unexpected', `$export answered ${res.status} without a Content-Location`, {
      status: res.status,
      explanation: 'OpenEMR did not start an asynchronous export job.',
      fix: 'Check that the server supports FHIR Bulk Data ($export) and that the request carries Prefer: respond-async.',
    });
  }

  private statusError(error: OpenEmrError | undefined, status: number): OpenEmrError {
    const unknownJob = status === 400 || status === 404;
    return new OpenEmrError(
      error?.kind ?? 'unexpected',
      `The export status request answered ${status}: ${error?.message ?? ''}`,
      {
        status,
        explanation: unknownJob
          ? 'OpenEMR does not know this export job. A Group export of a group id that does not exist starts no job in OpenEMR 8 (its status URL names no job).'
          : (error?.explanation ?? 'The export job failed on the server.'),
        fix: unknownJob
          ? 'Check the group id (GET /fhir/Group lists the groups) and start the export again.'
          : (error?.fix ?? 'Try the export again.'),
      },
    );
  }

  /** Streams one file to `{name}.part`, then renames it: a complete name only ever holds a complete file. */
  private async download(url: string, name: string, withToken: boolean): Promise<{ path: string; lines: number; bytes: number }> {
    const final = path.join(this.request.folder, name);
    const part = `${final}.part`;
    this.written.add(part);
    const counter = new LineCounter();
    const res = await this.client.request('GET', url, undefined, {
      signal: this.options.signal,
      anonymous: !withToken,
      headers: { Accept: 'application/fhir+ndjson' },
      timeoutMs: this.options.downloadTimeoutMs ?? 3_600_000,
      consume: (body) => pipeline(body, counter, createWriteStream(part)),
    });
    if (res.error) throw res.error;
    this.written.add(final);
    await rename(part, final);
    this.written.delete(part);
    return { path: final, lines: counter.lines, bytes: counter.bytes };
  }

  /** Cancels the job on the server; a failure is not fatal (the job expires there). */
  private async deleteJob(): Promise<void> {
    if (!this.statusUrl) return;
    await this.client.request('DELETE', this.statusUrl, undefined, { timeoutMs: 15_000 }).catch(() => undefined);
  }

  private async discard(): Promise<void> {
    for (const file of this.written) await rm(file, { force: true });
    this.written.clear();
  }
}

/** Runs one export (see BulkExport). */
export function runBulkExport(
  client: OpenEmrClient,
  request: BulkExportRequest,
  options: BulkExportOptions = {},
): Promise<BulkExportResult> {
  return new BulkExport(client, request, options).run();
}
