/**
 * The request history: the last requests per server in one JSON file, written atomically (a temporary file,
 * then a rename), so a crash mid-write leaves the previous history intact. No header that carries a secret
 * is kept, and response bodies only when asked for (they hold patient data).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpMethod } from '../http/client';
import { redactApiBody, redactText, SECRET_FIELD_NAMES } from '../log';

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
  const clean = redactApiBody(text);
  if (clean === text) return body;
  return typeof body === 'string' ? clean : (JSON.parse(clean) as unknown);
}

export class HistoryStore {
  private loading?: Promise<HistoryFile>;
  private writing: Promise<void> = Promise.resolve();
  /** The write that will carry the changes not yet on disk. */
  private pending?: Promise<void>;
  private readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly limit = HISTORY_LIMIT,
    private readonly writeDelayMs = 0,
  ) {
    this.file = path.join(dir, 'request-history.json');
  }

  private load(): Promise<HistoryFile> {
    this.loading ??= readFile(this.file, 'utf8').then(
      (text) => {
        try {
          const parsed = JSON.parse(text) as Partial<HistoryFile>;
          if (parsed && typeof parsed.servers === 'object' && parsed.servers) return { version: 1, servers: parsed.servers };
        } catch {
          // An unreadable file: start afresh rather than fail every request.
        }
        return { version: 1, servers: {} };
      },
      (): HistoryFile => ({ version: 1, servers: {} }),
    );
    return this.loading;
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

  /**
   * Changes apply to the history in memory at once; writes run one after the other, at most one per
   * `writeDelayMs`, and changes made while one is waiting share it (a burst of requests costs one write).
   * Each write replaces the file in one rename.
   */
  private async change(edit: (data: HistoryFile) => void): Promise<void> {
    const data = await this.load();
    edit(data);
    if (!this.pending) {
      const write = this.writing.then(async () => {
        if (this.writeDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.writeDelayMs));
        this.pending = undefined;
        await this.write(data);
      });
      this.pending = write;
      this.writing = write.catch(() => undefined);
    }
    return this.pending;
  }

  private async write(data: HistoryFile): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(data), { encoding: 'utf8', mode: 0o600 });
      await rename(temp, this.file);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
  }
}
