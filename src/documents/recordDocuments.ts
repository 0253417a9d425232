/**
 * The `openemr:` file system: records open as JSON documents that hold what their PUT route accepts, new
 * records open from templates, and a save goes to OpenEMR only after a check against the server's current
 * version and a confirmation. A refused write leaves the text as typed and puts OpenEMR's validationErrors
 * on the fields they name.
 */
import * as vscode from 'vscode';
import {
  createdPath,
  createRoute,
  describeChanges,
  editableDocument,
  apiOfPath,
  locateField,
  newRecordDocument,
  OpenEmrError,
  parseDocument,
  planSave,
  readRecord,
  recordWrites,
  schemaFor,
  sendWrite,
  type FieldChange,
  type FieldProblem,
  type JsonObject,
  type SavePlan,
} from '../core';
import type { AuthServices } from '../auth/createServices';
import type { ExplorerNode } from '../explorer/nodes/base';
import type { ExplorerProvider } from '../explorer/provider';
import type { ViewerController } from '../viewer/register';
import { refreshTargetOf, rowsChangedBy } from './targets';
import { newDocumentPath, parseDocumentPath, recordDocumentPath, schemaPath, type DocumentAddress } from './uriPaths';

export const SCHEME = 'openemr';
const SNAPSHOT_SCHEME = 'openemr-server';

interface Entry {
  uri: vscode.Uri;
  address: DocumentAddress;
  serverId: string;
  text: string;
  /** The server's editable version the document was opened from (or last saved as). */
  base?: JsonObject;
  /** Every field of the record as last read, for the schema. */
  record?: JsonObject;
  ctime: number;
  mtime: number;
  /** Text already written to OpenEMR by a command: the editor's save of it sends nothing. */
  accepted?: string;
  /** The tree row it was opened from. */
  origin?: ExplorerNode;
  /** For a new record: the path it was created at (a second save would create a second record). */
  created?: string;
}

/** What a save did; `status` is the HTTP status when a request was sent. */
export interface SaveResult {
  status: number | 'not-sent' | 'conflict' | 'cancelled' | 'unchanged';
  changes: FieldChange[];
  conflict?: { serverChanges: FieldChange[] };
  validationErrors?: unknown;
  problems?: FieldProblem[];
  created?: { path: string; uri: string };
}

/** The decisions a save asks for: modals in the editor, argument flags for commands. */
export interface SaveDecisions {
  onConflict(plan: SavePlan, entry: Entry): Promise<'overwrite' | 'stop'>;
  confirm(title: string, lines: string[]): Promise<boolean>;
}

function render(doc: JsonObject, schema: string): string {
  return `${JSON.stringify({ $schema: schema, ...doc }, null, 2)}\n`;
}

function offsetToPosition(text: string, offset: number): vscode.Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return new vscode.Position(line, offset - (before.lastIndexOf('\n') + 1));
}

export class RecordDocuments implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly snapshots = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('openemr');
  private newCount = 0;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly services: AuthServices,
    private readonly explorer: ExplorerProvider,
    private readonly viewer: Pick<ViewerController, 'refreshPath'>,
  ) {
    this.disposables = [
      vscode.workspace.registerFileSystemProvider(SCHEME, this, { isCaseSensitive: true }),
      vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, {
        provideTextDocumentContent: (uri) => this.snapshots.get(uri.toString()) ?? '',
      }),
      this.diagnostics,
      this.changed,
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  // ---- opening ----

  private serverSegment(serverId: string): string {
    const profile = this.services.servers.require(serverId);
    const sameName = this.services.servers.list().filter((p) => p.name === profile.name).length > 1;
    return sameName || /[/\\]/.test(profile.name) ? profile.id : profile.name;
  }

  private serverIdOf(segment: string): string {
    const all = this.services.servers.list();
    const found = all.find((p) => p.name === segment) ?? all.find((p) => p.id === segment);
    if (!found) throw vscode.FileSystemError.FileNotFound(`No OpenEMR server named ${segment}`);
    return found.id;
  }

  /** Opens a record in an editor; it must have a PUT (or PATCH) route. */
  async openRecord(serverId: string, apiPath: string, origin?: ExplorerNode): Promise<vscode.Uri> {
    if (!recordWrites(apiPath).update)
      throw new OpenEmrError('method-not-supported', `OpenEMR has no route that updates ${apiPath}`, {
        explanation: 'Only records whose route has a PUT (or PATCH) in OpenEMR can be edited.',
        fix: 'Open it in the JSON viewer to read it; see docs/writing.md for the editable kinds.',
      });
    const uri = vscode.Uri.from({ scheme: SCHEME, path: recordDocumentPath(this.serverSegment(serverId), apiPath) });
    // Without unsaved changes the document is read again, so it shows the server's current version; with
    // them, it is shown as it is (the save will find out what changed on the server).
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const reread = !open?.isDirty;
    if (reread) this.entries.delete(uri.toString());
    const entry = await this.load(uri, serverId);
    if (reread && open) this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    if (origin) entry.origin = origin;
    await vscode.window.showTextDocument(uri, { preview: false });
    return uri;
  }

  /** Opens a new record's document from the route's template (or `body`). */
  async openNew(serverId: string, listPath: string, body?: JsonObject, origin?: ExplorerNode): Promise<vscode.Uri> {
    const route = this.requireCreateRoute(listPath);
    const path = newDocumentPath(this.serverSegment(serverId), listPath, ++this.newCount);
    const uri = vscode.Uri.from({ scheme: SCHEME, path });
    const now = Date.now();
    this.entries.set(uri.toString(), {
      uri,
      address: parseDocumentPath(path)!,
      serverId,
      text: render(body ?? newRecordDocument(route), this.schemaUri(path)),
      ctime: now,
      mtime: now,
      origin,
    });
    await vscode.window.showTextDocument(uri, { preview: false });
    return uri;
  }

  private requireCreateRoute(listPath: string) {
    const route = createRoute(listPath);
    if (!route)
      throw new OpenEmrError('method-not-supported', `OpenEMR has no route that creates records in ${listPath}`, {
        explanation: 'New records can only be made where OpenEMR has a POST route.',
        fix: 'Pick a group such as Encounters, Allergies or Patients; docs/writing.md lists them.',
      });
    return route;
  }

  private schemaUri(documentPath: string): string {
    return vscode.Uri.from({ scheme: SCHEME, path: schemaPath(documentPath) }).toString();
  }

  /** The entry of a document, reading the record from OpenEMR the first time. */
  private async load(uri: vscode.Uri, serverId?: string): Promise<Entry> {
    const known = this.entries.get(uri.toString());
    if (known) return known;
    const address = parseDocumentPath(uri.path);
    if (!address) throw vscode.FileSystemError.FileNotFound(uri);
    const id = serverId ?? this.serverIdOf(address.server);
    const now = Date.now();
    if (address.kind === 'schema') {
      const target = await this.load(uri.with({ path: uri.path.replace(/\/schema\//, '/') }), id);
      const route =
        address.of?.kind === 'new' ? createRoute(address.apiPath) : (recordWrites(address.apiPath).update ?? undefined);
      if (!route) throw vscode.FileSystemError.FileNotFound(uri);
      const text = JSON.stringify(
        schemaFor(route, target.record ? editableDocument(apiOfPath(address.apiPath), target.record) : {}),
      );
      return { uri, address, serverId: id, text, ctime: now, mtime: now };
    }
    if (address.kind === 'new') throw vscode.FileSystemError.FileNotFound(uri);
    const record = await readRecord(this.services.client(id), address.apiPath);
    const base = editableDocument(apiOfPath(address.apiPath), record);
    const entry: Entry = {
      uri,
      address,
      serverId: id,
      text: render(base, this.schemaUri(uri.path)),
      base,
      record,
      ctime: now,
      mtime: now,
    };
    this.entries.set(uri.toString(), entry);
    return entry;
  }

  /** The text of a document: the editor's (unsaved changes included) when it is open. */
  textOf(uri: vscode.Uri): string {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const entry = this.entries.get(uri.toString());
    if (open) return open.getText();
    if (!entry)
      throw new OpenEmrError('invalid-request', `${uri.toString()} is not an open OpenEMR document`, {
        fix: 'Open it with openemr.editRecord first.',
      });
    return entry.text;
  }

  entryOf(uri: vscode.Uri): Entry {
    const entry = this.entries.get(uri.toString());
    if (!entry || entry.address.kind === 'schema')
      throw new OpenEmrError('invalid-request', `${uri.toString()} is not an open OpenEMR record document`, {
        fix: 'Open it with openemr.editRecord (or New... in the tree) first.',
      });
    return entry;
  }

  // ---- saving ----

  /** Plans and, when the decisions allow, sends the write of a document's text. */
  async save(uri: vscode.Uri, text: string, decide: SaveDecisions): Promise<SaveResult> {
    const entry = this.entryOf(uri);
    const doc = parseDocument(text);
    const client = this.services.client(entry.serverId);
    const path = entry.address.apiPath;
    if (entry.address.kind === 'new') {
      if (entry.created)
        throw new OpenEmrError('invalid-request', `This record was already created at ${entry.created}`, {
          explanation: 'Saving a new record again would create a second one.',
          fix: 'Edit the created record (it opened after the first save), or use New... again for another record.',
        });
      const changes: FieldChange[] = Object.entries(doc).map(([field, value]) => ({ field, kind: 'added', new: value }));
      const title = `Create a record with POST ${path} on ${this.services.servers.require(entry.serverId).name}?`;
      if (!(await decide.confirm(title, describeChanges(changes)))) return { status: 'cancelled', changes };
      const res = await sendWrite(client, 'POST', path, doc);
      if (!res.ok) return this.refused(uri, text, res, changes);
      this.diagnostics.delete(uri);
      const created = createdPath(path, res.data, res.headers);
      entry.created = created ?? path;
      await this.refreshAfterWrite(entry.serverId, entry.origin, 'create', path);
      const createdUri = created && recordWrites(created).update ? await this.openRecord(entry.serverId, created) : undefined;
      return { status: res.status, changes, created: created ? { path: created, uri: createdUri?.toString() ?? '' } : undefined };
    }
    const plan = await planSave(client, path, entry.base ?? {}, doc);
    if (plan.conflict && (await decide.onConflict(plan, entry)) === 'stop')
      return { status: 'conflict', changes: plan.changes, conflict: plan.conflict };
    if (!plan.changes.length) return { status: 'unchanged', changes: [] };
    const title = `Save ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to OpenEMR (PUT ${path})?`;
    if (!(await decide.confirm(title, describeChanges(plan.changes)))) return { status: 'cancelled', changes: plan.changes };
    const res = await sendWrite(client, 'PUT', path, doc);
    if (!res.ok) return this.refused(uri, text, res, plan.changes);
    this.diagnostics.delete(uri);
    entry.record = await readRecord(client, path).catch(() => entry.record);
    entry.base = entry.record ? editableDocument(apiOfPath(path), entry.record) : doc;
    await this.refreshAfterWrite(entry.serverId, entry.origin, 'update', path);
    return { status: res.status, changes: plan.changes };
  }

  private refused(
    uri: vscode.Uri,
    text: string,
    res: { status: number; problems: FieldProblem[]; validationErrors?: unknown; error?: OpenEmrError },
    changes: FieldChange[],
  ): SaveResult {
    const problems = res.problems.length ? res.problems : [{ message: res.error?.message ?? `OpenEMR answered ${res.status}` }];
    this.diagnostics.set(
      uri,
      problems.map((p) => {
        const at = p.field ? locateField(text, p.field) : undefined;
        const range = at
          ? new vscode.Range(offsetToPosition(text, at.start), offsetToPosition(text, at.end))
          : new vscode.Range(0, 0, 0, 1);
        const d = new vscode.Diagnostic(range, `OpenEMR: ${p.message}`, vscode.DiagnosticSeverity.Error);
        d.source = 'OpenEMR';
        return d;
      }),
    );
    return { status: res.status, changes, validationErrors: res.validationErrors, problems: res.problems };
  }

  /**
   * Refreshes the tree row a write started from (its list after a delete); without one, the loaded rows of
   * that record or list (a record reloads itself, a list fetches its first page again); and the viewer
   * panels showing that record or list.
   */
  async refreshAfterWrite(
    serverId: string,
    origin: ExplorerNode | undefined,
    kind: 'update' | 'create' | 'delete',
    apiPath: string,
  ): Promise<void> {
    const start = refreshTargetOf(origin, kind === 'delete');
    const server = this.explorer.server(serverId);
    const nodes = start ? [start] : server ? rowsChangedBy(server, kind, apiPath) : [];
    for (const node of nodes)
      await vscode.commands.executeCommand('openemr.explorer.refresh', node).then(undefined, () => undefined);
    await this.viewer.refreshPath(serverId, apiPath);
  }

  /** After a command saved `text` to OpenEMR, the editor's own save stores it without a second request. */
  markAccepted(uri: vscode.Uri, text: string): void {
    const entry = this.entries.get(uri.toString());
    if (entry) entry.accepted = text;
  }

  /** Opens a diff: the server's current version (left) against the document (right). */
  async compare(uri: vscode.Uri, current: JsonObject): Promise<void> {
    const left = vscode.Uri.from({ scheme: SNAPSHOT_SCHEME, path: uri.path, query: String(Date.now()) });
    this.snapshots.set(left.toString(), render(current, this.schemaUri(uri.path)));
    await vscode.commands.executeCommand('vscode.diff', left, uri, `${uri.path.split('/').pop()}: OpenEMR now ↔ yours`);
  }

  // ---- the editor's save: modals ----

  private readonly modals: SaveDecisions = {
    onConflict: async (plan, entry) => {
      const fields = plan.conflict!.serverChanges.map((c) => c.field).join(', ');
      const choice = await vscode.window.showWarningMessage(
        'This record changed on the server since you opened it.',
        { modal: true, detail: `Changed on the server: ${fields}.\nOverwrite sends your version over theirs.` },
        'Compare',
        'Overwrite',
      );
      if (choice === 'Compare') await this.compare(entry.uri, plan.current);
      return choice === 'Overwrite' ? 'overwrite' : 'stop';
    },
    confirm: async (title, lines) =>
      (await vscode.window.showWarningMessage(title, { modal: true, detail: lines.join('\n') }, 'Save to OpenEMR')) ===
      'Save to OpenEMR',
  };

  // ---- FileSystemProvider ----

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const entry = await this.load(uri);
    return {
      type: vscode.FileType.File,
      ctime: entry.ctime,
      mtime: entry.mtime,
      size: Buffer.byteLength(entry.text),
      permissions: entry.address.kind === 'schema' ? vscode.FilePermission.Readonly : undefined,
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return Buffer.from((await this.load(uri)).text, 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const entry = this.entryOf(uri);
    const text = Buffer.from(content).toString('utf8');
    if (entry.accepted !== text) {
      let result: SaveResult;
      try {
        result = await this.save(uri, text, this.modals);
      } catch (error) {
        throw new vscode.FileSystemError(error instanceof OpenEmrError ? `${error.message}. ${error.fix}` : String(error));
      }
      if (result.status === 'cancelled' || result.status === 'conflict')
        throw new vscode.FileSystemError('Not saved to OpenEMR: cancelled. Your text is kept.');
      if (typeof result.status === 'number' && result.problems)
        throw new vscode.FileSystemError(
          `OpenEMR refused the record (${result.status}): ${result.problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ') || 'see the Problems panel'}`,
        );
    }
    entry.accepted = undefined;
    entry.text = text;
    entry.mtime = Date.now();
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('OpenEMR documents have no folders');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('Delete records with "OpenEMR: Delete Record"');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('OpenEMR records cannot be renamed');
  }

  /** Forgets the documents of a deleted record. */
  forget(serverId: string, apiPath: string): void {
    for (const [key, entry] of this.entries)
      if (entry.serverId === serverId && entry.address.apiPath === apiPath) this.entries.delete(key);
  }
}
