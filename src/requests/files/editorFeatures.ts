/**
 * The editor side of request files: CodeLens *Send* / *Send All*, completion of routes and `{{variables}}`,
 * hover on a path (route and scope), diagnostics (token lines, unknown routes, undefined variables) and the
 * quick fix that removes a token line.
 */
import * as vscode from 'vscode';
import { matchRoute, ROUTES } from '../../core';
import { checkHttpFile, type FileCheck } from '../../core/requests/checks';
import { requestAt } from '../../core/requests/httpFile';
import { routeAllowed } from '../../core/requests/routes';
import { SELECTION_VARIABLES } from '../../core/requests/variables';
import type { Services } from '../../services';
import { isRequestFile, parsed, SELECTOR } from './documents';
import type { ServerChoice } from './serverChoice';

const SEVERITY: Record<FileCheck['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function diagnosticsOf(document: vscode.TextDocument): vscode.Diagnostic[] {
  return checkHttpFile(parsed(document), document.getText()).map((c) => {
    const d = new vscode.Diagnostic(new vscode.Range(c.line, c.start, c.line, c.end), c.message, SEVERITY[c.severity]);
    d.source = 'OpenEMR';
    d.code = c.code;
    return d;
  });
}

class Lenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return parsed(document).requests.flatMap((block) => {
      const range = new vscode.Range(block.line, 0, block.line, 0);
      const uri = document.uri.toString();
      return [
        new vscode.CodeLens(range, {
          title: '$(play) Send',
          command: 'openemr.requests.send',
          arguments: [{ uri, index: block.index }],
        }),
        new vscode.CodeLens(range, { title: '$(run-all) Send All', command: 'openemr.requests.sendAll', arguments: [{ uri }] }),
      ];
    });
  }
}

class Completion implements vscode.CompletionItemProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const line = document.lineAt(position.line).text.slice(0, position.character);
    const open = line.lastIndexOf('{{');
    if (open >= 0 && line.indexOf('}}', open) < 0)
      return this.variables(document, new vscode.Range(position.line, open + 2, position.line, position.character));
    if (/^[A-Z]*$/.test(line.trim()) || /^[A-Z]+\s+\/?\S*$/.test(line)) return this.routes(position, line);
    return [];
  }

  private routes(position: vscode.Position, line: string): vscode.CompletionItem[] {
    const range = new vscode.Range(position.line, line.length - line.trimStart().length, position.line, position.character);
    return ROUTES.map((route) => {
      const item = new vscode.CompletionItem(`${route.method} ${route.path}`, vscode.CompletionItemKind.Function);
      item.detail = route.label;
      item.documentation = route.scope ? `Scope: ${route.scope}` : 'No scope needed';
      // Path parameters become snippet placeholders.
      let n = 0;
      const body = route.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => `\${${++n}:${name}}`).replace(/\$(?![{])/g, '\\$');
      item.insertText = new vscode.SnippetString(`${route.method} ${body}`);
      item.range = range;
      item.filterText = `${route.method} ${route.path}`;
      return item;
    });
  }

  private variables(document: vscode.TextDocument, range: vscode.Range): vscode.CompletionItem[] {
    const file = parsed(document);
    const item = (label: string, kind: vscode.CompletionItemKind, detail: string): vscode.CompletionItem => {
      const c = new vscode.CompletionItem(label, kind);
      c.detail = detail;
      c.range = range;
      return c;
    };
    return [
      ...[...new Set(file.variables.map((v) => v.name))].map((name) =>
        item(name, vscode.CompletionItemKind.Variable, 'file variable'),
      ),
      ...SELECTION_VARIABLES.map((name) =>
        item(name, vscode.CompletionItemKind.Reference, 'from the selection in the Servers view'),
      ),
      ...file.requests
        .filter((r) => r.name)
        .flatMap((r) => [
          item(`${r.name}.response.body.$.`, vscode.CompletionItemKind.Field, `a value of the answer of ${r.name} (JSONPath)`),
          item(`${r.name}.response.headers.`, vscode.CompletionItemKind.Field, `a header of the answer of ${r.name}`),
          item(`${r.name}.response.status`, vscode.CompletionItemKind.Field, `the status of the answer of ${r.name}`),
        ]),
      item('$env ', vscode.CompletionItemKind.Keyword, 'an environment variable: {{$env NAME}}'),
    ];
  }
}

class Hover implements vscode.HoverProvider {
  constructor(
    private readonly services: Services,
    private readonly servers: ServerChoice,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const file = parsed(document);
    const block = requestAt(file, position.line);
    if (!block || block.line !== position.line) return undefined;
    const path = block.url.split('?')[0]!.replace(/\{\{[^}]*\}\}/g, 'x');
    const route = matchRoute(block.method, path);
    const md = new vscode.MarkdownString();
    if (!route) {
      md.appendMarkdown(`**${block.method} ${block.url}**\n\nNot a route of OpenEMR's catalog.`);
      return new vscode.Hover(md);
    }
    md.appendMarkdown(`**${route.label}**\n\n\`${route.method} ${route.path}\`\n\n`);
    if (!route.scope) md.appendMarkdown('Needs no scope.');
    else {
      md.appendMarkdown(`Scope: \`${route.scope}\`${route.scopeV1 ? ` (or \`${route.scopeV1}\`)` : ''}`);
      let serverId: string | undefined;
      try {
        serverId = this.servers.serverFor(file, block);
      } catch {
        serverId = undefined;
      }
      const granted = serverId ? this.services.tokens.state(serverId).summary?.grantedScopes : undefined;
      if (granted) md.appendMarkdown(routeAllowed(route, granted) ? ' — the token holds it.' : ' — **the token lacks it.**');
    }
    if (route.since) md.appendMarkdown(`\n\nOpenEMR ${route.since} only.`);
    return new vscode.Hover(md);
  }
}

class RemoveTokenLine implements vscode.CodeActionProvider {
  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    return context.diagnostics
      .filter((d) => d.code === 'token-in-file')
      .map((d) => {
        const action = new vscode.CodeAction(
          'Remove the Authorization line (the token is added when sending)',
          vscode.CodeActionKind.QuickFix,
        );
        action.diagnostics = [d];
        action.isPreferred = true;
        action.edit = new vscode.WorkspaceEdit();
        action.edit.delete(document.uri, document.lineAt(d.range.start.line).rangeIncludingLineBreak);
        return action;
      });
  }
}

export function registerEditorFeatures(services: Services, servers: ServerChoice): vscode.Disposable[] {
  const diagnostics = vscode.languages.createDiagnosticCollection('openemr-http');
  const update = (document: vscode.TextDocument): void => {
    if (isRequestFile(document)) diagnostics.set(document.uri, diagnosticsOf(document));
  };
  vscode.workspace.textDocuments.forEach(update);
  return [
    diagnostics,
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidChangeTextDocument((e) => update(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    vscode.languages.registerCodeLensProvider(SELECTOR, new Lenses()),
    vscode.languages.registerCompletionItemProvider(SELECTOR, new Completion(), '{', ' ', '/'),
    vscode.languages.registerHoverProvider(SELECTOR, new Hover(services, servers)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new RemoveTokenLine(), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
  ];
}
