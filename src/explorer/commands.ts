/**
 * The explorer's commands: tree actions (refresh, load more, retry, search, clear), leaf actions (open JSON,
 * open raw, copy id, copy as cURL, download a document) and server actions that delegate to sign-in.
 * Each takes the node it was invoked on, or an argument object (`{ serverId, … }`) to run without prompts,
 * and returns a result without secrets.
 */
import * as vscode from 'vscode';
import { actionsFor } from '../commands/commandSupport';
import { fillPath, isOpenEmrError } from '../core';
import { curlFor } from './curl';
import { ExplorerNode } from './nodes/base';
import { ErrorNode } from './nodes/errorNode';
import { GroupNode } from './nodes/groupNode';
import { LeafNode } from './nodes/leafNode';
import { LoadMoreNode } from './nodes/loadMoreNode';
import { PatientNode } from './nodes/patientNode';
import { PatientsNode } from './nodes/patientsNode';
import { ServerNode } from './nodes/serverNode';
import { withViewProgress, type ExplorerProvider } from './provider';
import { describePatientSearch, parsePatientQuery, PatientQueryError } from './search';
import { saveDocument } from './documents';
import { fhirGroupQuery } from './fetch';

interface ServerArg {
  serverId?: string;
}

/** What a record-like node offers to the leaf commands. */
interface RecordTarget {
  serverId: string;
  /** Relative to /apis/{site}; undefined when the record has no instance route. */
  path?: string;
  title: string;
  id: string;
  row: unknown;
  node: LeafNode | PatientNode;
}

function serverOf(node: ExplorerNode): ServerNode | undefined {
  let at: ExplorerNode | undefined = node;
  while (at && !(at instanceof ServerNode)) at = at.parent;
  return at;
}

function recordTarget(node: unknown): RecordTarget {
  if (node instanceof LeafNode) {
    return { serverId: node.scope.server.id, path: node.path, title: node.title, id: node.recordId, row: node.row, node };
  }
  if (node instanceof PatientNode) {
    const label = [node.patient.lname, node.patient.fname].filter(Boolean).join(', ');
    return {
      serverId: node.scope.server.id,
      path: node.path,
      title: `Patient: ${label}`,
      id: node.patient.uuid,
      row: node.patient,
      node,
    };
  }
  throw new Error('Select a record in the OpenEMR explorer first.');
}

/** The URL a record or group of the tree reads (for Copy as cURL and the request runner's snippets). */
export function recordUrl(arg: unknown): string {
  if (arg instanceof GroupNode) {
    if (arg.spec.subgroups) throw new Error(`${arg.label} is read per resource type: copy the cURL of one of its sub-groups.`);
    return arg.scope.client.resolve(
      fillPath(arg.spec.path, arg.ctx),
      arg.spec.api === 'fhir' ? fhirGroupQuery(arg.spec, arg.ctx, arg.query) : arg.query,
    ).url;
  }
  const target = recordTarget(arg);
  if (!target.path)
    throw new Error('OpenEMR has no route that reads this record on its own; copy the cURL of its group instead.');
  return target.node.scope.client.resolve(target.path).url;
}

export class ExplorerCommands {
  constructor(
    private readonly provider: ExplorerProvider,
    private readonly view: vscode.TreeView<ExplorerNode>,
    private readonly storage: vscode.Uri,
  ) {}

  register(): vscode.Disposable[] {
    const commands: Record<string, (arg?: unknown) => unknown> = {
      'openemr.explorer.refresh': (arg) => this.refresh(arg),
      'openemr.explorer.loadMore': (arg) => this.loadMore(arg),
      'openemr.explorer.retry': (arg) => this.retry(arg),
      'openemr.explorer.fixError': (arg) => this.fixError(arg),
      'openemr.explorer.searchPatients': (arg) => this.searchPatients(arg),
      'openemr.explorer.clearSearch': (arg) => this.clearSearch(arg),
      'openemr.explorer.open': (arg) => this.open(arg),
      'openemr.explorer.openRaw': (arg) => this.openRaw(arg),
      'openemr.explorer.copyId': (arg) => this.copyId(arg),
      'openemr.explorer.copyCurl': (arg) => this.copyCurl(arg),
      'openemr.explorer.openDocument': (arg) => this.openDocument(arg),
      'openemr.explorer.signIn': (arg) => this.delegate('openemr.login', arg),
      'openemr.explorer.diagnose': (arg) => this.delegate('openemr.diagnose', arg),
      'openemr.explorer.removeServer': (arg) => this.delegate('openemr.removeServer', arg),
    };
    return Object.entries(commands).map(([id, run]) => vscode.commands.registerCommand(id, run));
  }

  private serverNode(arg: unknown): ServerNode {
    if (arg instanceof ExplorerNode) {
      const server = serverOf(arg);
      if (server) return server;
    }
    const serverId = (arg as ServerArg | undefined)?.serverId;
    const servers = this.provider.servers();
    const found = serverId ? servers.find((s) => s.serverId === serverId) : servers.length === 1 ? servers[0] : undefined;
    if (!found) throw new Error(serverId ? `No OpenEMR server with id ${serverId}.` : 'Choose a server in the OpenEMR explorer.');
    return found;
  }

  /** Resolves once a record is read again; lists load when VS Code asks for them. */
  private async refresh(arg: unknown): Promise<{ refreshed: string }> {
    if (arg instanceof LeafNode && arg.path) {
      try {
        await withViewProgress(() => arg.reload());
        this.provider.refresh(arg);
      } catch (error) {
        // The record keeps what it showed; the warning is a notification, never a modal.
        void vscode.window.showWarningMessage(isOpenEmrError(error) ? `${error.explanation} ${error.fix}` : String(error));
      }
      return { refreshed: arg.id };
    }
    if (arg instanceof ExplorerNode) {
      this.provider.refresh(arg);
      return { refreshed: arg.id };
    }
    if ((arg as ServerArg | undefined)?.serverId) {
      const server = this.serverNode(arg);
      this.provider.refresh(server);
      return { refreshed: server.id };
    }
    this.provider.refresh();
    return { refreshed: 'all' };
  }

  private async loadMore(arg: unknown): Promise<{ loaded: number }> {
    const owner = arg instanceof LoadMoreNode ? arg.owner : arg;
    if (!(owner instanceof GroupNode || owner instanceof PatientsNode)) throw new Error('Load more needs a list node.');
    await withViewProgress(() => owner.loadMore());
    this.provider.redraw(owner);
    return { loaded: owner.loadedCount() };
  }

  private async retry(arg: unknown): Promise<{ retried: string }> {
    if (!(arg instanceof ErrorNode)) throw new Error('Retry needs an error node.');
    const target = arg.target;
    if (arg.retry === 'loadMore' && (target instanceof GroupNode || target instanceof PatientsNode)) {
      await this.loadMore(target);
    } else this.provider.refresh(target);
    return { retried: target.id };
  }

  /** Runs the first fix an error row names (Sign In, Register Client...), or the setup doctor when it names none. */
  private async fixError(arg: unknown): Promise<{ ran: string }> {
    if (!(arg instanceof ErrorNode)) throw new Error('Run the fix needs an error node.');
    const [first] = actionsFor(arg.error, serverOf(arg.target)?.serverId);
    await first!.run();
    return { ran: first!.title };
  }

  /** The server a palette command means: the only one, the one selected in the tree, or the one picked. */
  private async chosenServer(arg: unknown): Promise<ServerNode | undefined> {
    const servers = this.provider.servers();
    if (arg !== undefined || servers.length <= 1) return this.serverNode(arg);
    const selected = this.view.selection[0];
    const fromSelection = selected ? serverOf(selected) : undefined;
    if (fromSelection) return fromSelection;
    const picked = await vscode.window.showQuickPick(
      servers.map((server) => ({ label: server.name, server })),
      { title: 'Which server?', ignoreFocusOut: true },
    );
    return picked?.server;
  }

  private async searchPatients(arg: unknown): Promise<{ serverId: string; filter: string } | undefined> {
    const server = await this.chosenServer(arg);
    if (!server) return undefined;
    const patients = server.patients;
    if (!patients) throw new Error(`Sign in to ${server.name} first.`);
    let query = (arg as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string') {
      query = await vscode.window.showInputBox({
        title: `Filter patients of ${server.name}`,
        prompt: 'A last name, "Last, First", a DOB (YYYY-MM-DD), or fields: city=Boston sex=Female',
        value: patients.filterText,
        validateInput: (text) => {
          try {
            parsePatientQuery(text);
            return undefined;
          } catch (error) {
            return error instanceof PatientQueryError ? error.message : String(error);
          }
        },
      });
      if (query === undefined) return undefined;
    }
    this.provider.setPatientFilter(server, parsePatientQuery(query as string));
    this.afterFilterChange(patients);
    return { serverId: server.serverId, filter: describePatientSearch(patients.filter) };
  }

  private clearSearch(arg: unknown): { cleared: string[] } {
    const servers = arg === undefined ? this.provider.servers() : [this.serverNode(arg)];
    const cleared: string[] = [];
    for (const server of servers) {
      const patients = server.scope ? server.patients : undefined;
      if (!patients?.filterText) continue;
      this.provider.setPatientFilter(server, {});
      this.afterFilterChange(patients);
      cleared.push(server.serverId);
    }
    return { cleared };
  }

  /** Shows the active filters in the view's description and sets the context key of the clear action. */
  private afterFilterChange(patients: PatientsNode): void {
    const filters = this.provider
      .servers()
      .filter((s) => s.scope && s.patients?.filterText)
      .map((s) => `${s.name}: ${s.patients!.filterText}`);
    this.view.description = filters.length ? `Filter: ${filters.join('; ')}` : undefined;
    void vscode.commands.executeCommand('setContext', 'openemr.explorer.filtered', filters.length > 0);
    void this.view.reveal(patients, { expand: true }).then(undefined, () => undefined);
  }

  private async open(arg: unknown): Promise<{ serverId: string; path?: string }> {
    const target = recordTarget(arg);
    if (target.path)
      await vscode.commands.executeCommand('openemr.openInViewer', {
        serverId: target.serverId,
        path: target.path,
        title: target.title,
      });
    else
      await vscode.commands.executeCommand('openemr.openInViewer', {
        serverId: target.serverId,
        title: target.title,
        json: target.row,
      });
    return { serverId: target.serverId, path: target.path };
  }

  private async openRaw(arg: unknown): Promise<{ uri: string }> {
    const target = recordTarget(arg);
    let body: unknown = target.row;
    if (target.path) {
      const client = target.node.scope.client;
      body = client.unwrap(await client.request('GET', target.path)) ?? target.row;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(body, null, 2)}\n` });
    await vscode.window.showTextDocument(doc, { preview: false });
    return { uri: doc.uri.toString() };
  }

  private async copyId(arg: unknown): Promise<{ id: string }> {
    const { id } = recordTarget(arg);
    await vscode.env.clipboard.writeText(id);
    return { id };
  }

  /** The URL of a record or of a group's list, and a cURL for it with `$OPENEMR_TOKEN` in place of the token. */
  private async copyCurl(arg: unknown): Promise<{ curl: string }> {
    const url = recordUrl(arg);
    const curl = curlFor(url, url.includes('/fhir/') ? 'application/fhir+json' : 'application/json');
    await vscode.env.clipboard.writeText(curl);
    void vscode.window.showInformationMessage(
      'cURL copied. It reads the token from $OPENEMR_TOKEN: set that variable first (the token itself is never copied).',
    );
    return { curl };
  }

  private async openDocument(arg: unknown): Promise<{ uri: string }> {
    if (!(arg instanceof LeafNode) || arg.spec.kind !== 'document' || !arg.path)
      throw new Error('Select a document in the OpenEMR explorer.');
    const uri = await withViewProgress(() => saveDocument(arg, this.storage));
    await vscode.commands.executeCommand('vscode.open', uri);
    return { uri: uri.toString() };
  }

  /** Sign-in commands: from a tree button they may prompt (server preselected); with an argument object they run as given. */
  private delegate(command: string, arg: unknown): Thenable<unknown> {
    if (arg instanceof ExplorerNode)
      return vscode.commands.executeCommand(command, { serverId: this.serverNode(arg).serverId, interactive: true });
    return vscode.commands.executeCommand(command, { ...(arg as object | undefined), serverId: this.serverNode(arg).serverId });
  }
}
