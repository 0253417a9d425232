/**
 * The server a request file talks to: its `# @server Name` line, or else the server chosen for request
 * files (a status bar item shown with request files; by default the only or the selected server).
 */
import * as vscode from 'vscode';
import { OpenEmrError } from '../../core';
import type { HttpFile, RequestBlock } from '../../core/requests/httpFile';
import type { ServerProfile, Services } from '../../services';
import { isRequestFile } from './documents';

const CHOSEN_KEY = 'openemr.requests.server';

export class ServerChoice implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('openemr.requests.server', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly services: Services,
    private readonly state: vscode.Memento,
    private readonly treeServer: () => string | undefined,
  ) {
    this.item.name = 'OpenEMR request server';
    this.item.command = 'openemr.requests.chooseServer';
    this.subscriptions.push(
      this.item,
      vscode.commands.registerCommand('openemr.requests.chooseServer', (arg?: { serverId?: string }) => this.choose(arg)),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      services.servers.onDidChange(() => this.update()),
    );
    this.update();
  }

  private byName(name: string): ServerProfile {
    const all = this.services.servers.list();
    const found =
      all.find((p) => p.name === name) ??
      all.find((p) => p.id === name) ??
      all.find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (!found)
      throw new OpenEmrError('invalid-request', `No OpenEMR server is named "${name}"`, {
        fix: `Use the name of a server in the Servers view (${all.map((p) => p.name).join(', ') || 'none yet'}), or run "OpenEMR: Add Server".`,
      });
    return found;
  }

  /** The server of the status bar: chosen, else the tree's, else the only one. */
  current(): ServerProfile | undefined {
    const chosen = this.state.get<string>(CHOSEN_KEY);
    const all = this.services.servers.list();
    const id = chosen ?? this.treeServer();
    return all.find((p) => p.id === id) ?? (all.length === 1 ? all[0] : undefined);
  }

  serverFor(file: HttpFile, block: RequestBlock): string {
    const name = block.server ?? file.server;
    if (name) return this.byName(name).id;
    const current = this.current();
    if (!current)
      throw new OpenEmrError('invalid-request', 'No server is chosen for this request file', {
        fix: 'Add a "# @server Name" line, or choose a server with the OpenEMR item of the status bar.',
      });
    return current.id;
  }

  async choose(arg?: { serverId?: string }): Promise<{ serverId?: string }> {
    let serverId = arg?.serverId;
    if (!serverId) {
      const picked = await vscode.window.showQuickPick(
        this.services.servers.list().map((p) => ({ label: p.name, description: p.baseUrl, id: p.id })),
        { title: 'Server for request files without "# @server"' },
      );
      serverId = picked?.id;
    }
    if (serverId) await this.state.update(CHOSEN_KEY, this.services.servers.require(serverId).id);
    this.update();
    return { serverId };
  }

  private update(): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isRequestFile(editor.document)) {
      this.item.hide();
      return;
    }
    const current = this.current();
    this.item.text = `$(server) ${current ? current.name : 'No OpenEMR server'}`;
    this.item.tooltip = 'Server of requests without "# @server": click to choose';
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
