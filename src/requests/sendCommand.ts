/**
 * `openemr.sendRequest`: with an argument object it sends at once and returns the result; from the palette
 * it asks for a route of the catalog, its path and query parameters and a body, then opens the answer in
 * the JSON viewer.
 */
import * as vscode from 'vscode';
import { fillPath, type ResourceRoute } from '../core';
import { bodyTemplate, describeChoice, queryParamsOf, routeChoices, type RouteChoice } from '../core/requests/routes';
import { parseSendArgs, type SendOutcome, type SendRequestArgs, type SendRequestResult } from '../core/requests/send';
import type { AuthServices } from '../auth/createServices';
import { orCancel, pickServer, registerArgCommand, type CommandArgs } from '../commands/commandSupport';
import type { ServerProfile } from '../services';
import { pickValue, type Suggestion } from './prompts';
import type { RequestRunner } from './runner';
import type { TreeSelection } from './selection';

const RECENT_KEY = 'openemr.requests.recentParams';
const RECENT_PER_NAME = 5;

/** Opens an answer in the JSON viewer with its request line. */
export async function showInViewer(outcome: SendOutcome, serverId: string): Promise<void> {
  const { result, request } = outcome;
  const json = result.body !== undefined ? JSON.stringify(result.body) : (result.text ?? '');
  await vscode.commands.executeCommand('openemr.openInViewer', {
    title: `${request.method} ${request.path.split('?')[0]}`,
    json,
    serverId,
    request: {
      method: request.method,
      url: request.url,
      status: result.status,
      timeMs: result.durationMs,
      sizeBytes: result.sizeBytes,
    },
  });
}

export class SendRequestCommand {
  constructor(
    private readonly services: AuthServices,
    private readonly runner: RequestRunner,
    private readonly state: vscode.Memento,
    private readonly selection: () => TreeSelection,
  ) {}

  register(): vscode.Disposable {
    return registerArgCommand(this.services, 'openemr.sendRequest', (args) =>
      args && args.interactive !== true ? this.send(args) : this.interactive(args),
    );
  }

  /** Sends at once, with no prompt: the command called with an argument object, and the exported API. */
  async send(args: CommandArgs): Promise<SendRequestResult> {
    return (await this.runner.send(parseSendArgs(args))).result;
  }

  private async interactive(args: CommandArgs | undefined): Promise<SendRequestResult> {
    const selected = this.selection();
    const server = await pickServer(this.services, args ?? (selected.serverId ? { serverId: selected.serverId } : undefined));
    const choice = await this.pickRoute(server);
    const route = choice.route;
    const values: Record<string, string> = {};
    for (const param of route.params) {
      values[param.name] = await pickValue(
        `${route.method} ${route.path}`,
        `:${param.name} (${param.kind})`,
        this.suggestionsFor(param.name, selected),
      );
    }
    this.remember(values);
    const query = await this.askQuery(route);
    const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? await this.askBody(route) : undefined;
    const request: SendRequestArgs = {
      serverId: server.id,
      method: route.method,
      path: fillPath(route.path, values) + (query ? `?${query}` : ''),
      body,
    };
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${request.method} ${request.path}`, cancellable: true },
      (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return this.runner.send(request, abort.signal);
      },
    );
    await showInViewer(outcome, server.id);
    return outcome.result;
  }

  private async pickRoute(server: ServerProfile): Promise<RouteChoice> {
    const granted = this.services.tokens.state(server.id).summary?.grantedScopes;
    const choices = routeChoices(server.apis, granted);
    const picked = await vscode.window.showQuickPick(
      choices.map((choice) => ({
        label: `${choice.allowed ? '' : '$(lock) '}${choice.route.method} ${choice.route.path}`,
        description: describeChoice(choice),
        choice,
      })),
      {
        title: `Send a request to ${server.name}`,
        placeHolder: 'Route (method, path, what it does, scope)',
        matchOnDescription: true,
      },
    );
    return orCancel(picked).choice;
  }

  private suggestionsFor(name: string, selected: TreeSelection): Suggestion[] {
    const out: Suggestion[] = [];
    if (name === 'puuid' && selected.patient?.uuid) out.push({ value: selected.patient.uuid, source: 'selected patient' });
    if (name === 'pid' && selected.patient?.pid) out.push({ value: selected.patient.pid, source: 'selected patient' });
    if (name === 'euuid' && selected.encounter?.uuid) out.push({ value: selected.encounter.uuid, source: 'selected encounter' });
    if (name === 'eid' && selected.encounter?.eid) out.push({ value: selected.encounter.eid, source: 'selected encounter' });
    if (name === 'id' && selected.patient?.uuid) out.push({ value: selected.patient.uuid, source: 'selected patient' });
    const recent = this.state.get<Record<string, string[]>>(RECENT_KEY, {})[name] ?? [];
    return [...out, ...recent.map((value) => ({ value, source: 'last used' }))];
  }

  private remember(values: Record<string, string>): void {
    const recent = { ...this.state.get<Record<string, string[]>>(RECENT_KEY, {}) };
    for (const [name, value] of Object.entries(values))
      recent[name] = [value, ...(recent[name] ?? []).filter((v) => v !== value)].slice(0, RECENT_PER_NAME);
    void this.state.update(RECENT_KEY, recent);
  }

  private async askQuery(route: ResourceRoute): Promise<string> {
    const known = queryParamsOf(route);
    if (route.method !== 'GET' && !route.query?.length) return '';
    const required = route.query ?? [];
    const typed = await vscode.window.showInputBox({
      title: `${route.method} ${route.path}: query`,
      prompt: known.length ? `Known parameters: ${known.join(', ')}` : 'No known parameters',
      placeHolder: known.length ? `${known[0]}=…&${known[1] ?? known[0]}=…` : 'name=value&…',
      value: required.map((q) => `${q}=`).join('&'),
      ignoreFocusOut: true,
    });
    return orCancel(typed).trim().replace(/^\?/, '');
  }

  /** The body of a write: the active editor's JSON, or a template to edit and then send. */
  private async askBody(route: ResourceRoute): Promise<unknown> {
    const editorText = vscode.window.activeTextEditor?.document.getText() ?? '';
    let editorJson: unknown;
    try {
      editorJson = editorText.trim() ? (JSON.parse(editorText) as unknown) : undefined;
    } catch {
      editorJson = undefined;
    }
    const items = [
      ...(editorJson !== undefined ? [{ label: '$(file-code) The active editor', description: 'its JSON', use: 'editor' }] : []),
      { label: '$(new-file) A template for this route', description: 'edit it, then choose Send', use: 'template' },
    ];
    const picked = orCancel(await vscode.window.showQuickPick(items, { title: `${route.method} ${route.path}: body` }));
    if (picked.use === 'editor') return editorJson;
    const document = await vscode.workspace.openTextDocument({
      language: 'json',
      content: JSON.stringify(bodyTemplate(route), null, 2),
    });
    await vscode.window.showTextDocument(document);
    const go = await vscode.window.showInformationMessage(
      `Edit the body of ${route.method} ${route.path}, then send it.`,
      'Send',
    );
    orCancel(go);
    try {
      return JSON.parse(document.getText()) as unknown;
    } catch {
      throw new Error('The body is not valid JSON. Correct it and run the command again.');
    }
  }
}
