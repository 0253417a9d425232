/**
 * The request history: the last requests per server in one JSON file, written atomically (a temporary file,
 * then a rename), so a crash mid-write leaves the previous history intact. No header that carries a secret
 * is kept, and response bodies only when asked for (they hold patient data).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpMethod } from '../http/client';
import { redactText, SECRET_FIELD_NAMES } from '../log';

export const HISTORY_LIMIT = 200;

export interface HistoryEntry {
  id: string;
  serverId: string;
  method: HttpMethod;
  /** Relative to the API root, with its query string. */
  path: string;
  /** Request headers the user set, without any that carries a secret. */
  headers?: Record<string, string>;
  /** The request body as sent (a JSON value or a string). */
  body?: unknown;
  status: number;
  durationMs: number;
  sizeBytes: number;
  /** ISO time the answer came. */
  at: string;
  /** Kept only with `openemr.history.keepResponses`. */
  response?: { contentType?: string; body?: unknown; text?: string };
}

export type NewHistoryEntry = Omit<HistoryEntry, 'id' | 'at' | 'headers'> & { headers?: Record<string, string>; at?: string };

interface HistoryFile {
  version: 1;
  servers: Record<string, HistoryEntry[]>;
}

const SECRET_HEADERS = new Set<string>([...SECRET_FIELD_NAMES, 'proxy-authorization', 'x-api-key', 'api-key']);

/** Headers without those that carry credentials, by name or by a value shaped like a token. */
export function safeHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const kept = Object.entries(headers).filter(
    ([name, value]) => !SECRET_HEADERS.has(name.toLowerCase()) && redactText(value) === value,
  );
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** A body with anything shaped like a secret masked (a password field in a form, a pasted token). */
function safeBody(body: unknown): unknown {
  if (body === undefined) return undefined;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const clean = redactText(text);
  if (clean === text) return body;
  return typeof body === 'string' ? clean : (JSON.parse(clean) as unknown);
}

export class HistoryStore {
  private cache?: HistoryFile;
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly limit = HISTORY_LIMIT,
  ) {
    this.file = path.join(dir, 'request-history.json');
  }

  private async load(): Promise<HistoryFile> {
    if (this.cache) return this.cache;
    let loaded: HistoryFile = { version: 1, servers: {} };
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<HistoryFile>;
      if (parsed && typeof parsed.servers === 'object' && parsed.servers) loaded = { version: 1, servers: parsed.servers };
    } catch {
      // No history yet, or an unreadable file: start afresh rather than fail every request.
    }
    this.cache = loaded;
    return loaded;
  }

  /** Newest first; every server when serverId is left out. */
  async list(serverId?: string): Promise<HistoryEntry[]> {
    const data = await this.load();
    if (serverId) return [...(data.servers[serverId] ?? [])];
    return Object.values(data.servers)
      .flat()
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  async get(id: string): Promise<HistoryEntry | undefined> {
    return (await this.list()).find((e) => e.id === id);
  }

  async add(entry: NewHistoryEntry): Promise<HistoryEntry> {
    const stored: HistoryEntry = {
      ...entry,
      id: randomUUID(),
      at: entry.at ?? new Date().toISOString(),
      headers: safeHeaders(entry.headers),
      body: safeBody(entry.body),
    };
    if (stored.headers === undefined) delete stored.headers;
    if (stored.body === undefined) delete stored.body;
    await this.change((data) => {
      const list = [stored, ...(data.servers[entry.serverId] ?? [])];
      data.servers[entry.serverId] = list.slice(0, this.limit);
    });
    return stored;
  }

  async delete(id: string): Promise<boolean> {
    let found = false;
    await this.change((data) => {
      for (const [serverId, list] of Object.entries(data.servers)) {
        const kept = list.filter((e) => e.id !== id);
        found ||= kept.length !== list.length;
        data.servers[serverId] = kept;
      }
    });
    return found;
  }

  /** Clears one server's history, or all of it. */
  async clear(serverId?: string): Promise<void> {
    await this.change((data) => {
      if (serverId) delete data.servers[serverId];
      else data.servers = {};
    });
  }

  /** Changes run one after the other; each ends with the file replaced in one rename. */
  private change(edit: (data: HistoryFile) => void): Promise<void> {
    const run = this.writing.then(async () => {
      const data = await this.load();
      edit(data);
      await mkdir(this.dir, { recursive: true });
      const temp = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
      try {
        await writeFile(temp, JSON.stringify(data), { encoding: 'utf8', mode: 0o600 });
        await rename(temp, this.file);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
      }
    });
    this.writing = run.catch(() => undefined);
    return run;
  }
}
