/**
 * Request files as tests (VS Code's Testing API): each file is a test item, each request a child. A run
 * sends the requests in order; a request passes when every `??` assertion holds. A failure shows the
 * expected and actual values at the assertion's line and a link that opens the answer.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RequestRun } from '../../core/requests/fileRun';
import type { RequestBlock } from '../../core/requests/httpFile';
import { showInViewer } from '../sendCommand';
import { isRequestFile, parsed } from './documents';
import type { FileRunner } from './fileRunner';

export type TestState = 'passed' | 'failed' | 'errored' | 'skipped';

/** One request's outcome in the last run, for callers without access to the Test Explorer's UI. */
export interface TestOutcome {
  id: string;
  label: string;
  state: TestState;
  messages: string[];
  status?: number;
}

const requestLabel = (block: RequestBlock): string => block.name ?? `${block.method} ${block.url}`;

export class RequestTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('openemr.requests', 'OpenEMR Requests');
  private readonly answers = new Map<string, { run: RequestRun }>();
  private readonly finished = new vscode.EventEmitter<TestOutcome[]>();
  /** Fires with the outcomes of each finished run. */
  readonly onDidFinish = this.finished.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly files: FileRunner) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    this.controller.createRunProfile(
      'Send',
      vscode.TestRunProfileKind.Run,
      (request, token) => void this.run(request, token),
      true,
    );
    const update = (document: vscode.TextDocument): void => {
      if (isRequestFile(document)) this.itemsOf(document);
    };
    vscode.workspace.textDocuments.forEach(update);
    this.subscriptions.push(
      this.controller,
      this.finished,
      vscode.workspace.onDidOpenTextDocument(update),
      vscode.workspace.onDidChangeTextDocument((e) => update(e.document)),
      vscode.commands.registerCommand('openemr.requests.openAnswer', (arg: { id?: string }) => this.openAnswer(arg?.id)),
    );
  }

  private async discover(): Promise<void> {
    for (const uri of await vscode.workspace.findFiles('**/*.openemr.http', '**/node_modules/**', 200)) {
      const document = await vscode.workspace.openTextDocument(uri);
      this.itemsOf(document);
    }
  }

  /** The file's test item, its children re-read from the document's text. */
  itemsOf(document: vscode.TextDocument): vscode.TestItem {
    const id = document.uri.toString();
    let fileItem = this.controller.items.get(id);
    if (!fileItem) {
      fileItem = this.controller.createTestItem(id, path.basename(document.uri.path), document.uri);
      this.controller.items.add(fileItem);
    }
    const children = parsed(document).requests.map((block) => {
      const child = this.controller.createTestItem(`${id}#${block.index}`, requestLabel(block), document.uri);
      child.range = new vscode.Range(block.line, 0, block.line, 0);
      child.description = block.name ? `${block.method} ${block.url}` : undefined;
      return child;
    });
    fileItem.children.replace(children);
    return fileItem;
  }

  /** Runs the requests of a file (all, or the given indexes) as a test run. */
  async runFile(document: vscode.TextDocument, indexes?: number[]): Promise<TestOutcome[]> {
    const fileItem = this.itemsOf(document);
    const include: vscode.TestItem[] = [];
    if (!indexes) include.push(fileItem);
    else fileItem.children.forEach((c) => indexes.includes(Number(c.id.split('#').pop())) && include.push(c));
    const cancel = new vscode.CancellationTokenSource();
    try {
      return await this.run(new vscode.TestRunRequest(include), cancel.token);
    } finally {
      cancel.dispose();
    }
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<TestOutcome[]> {
    const run = this.controller.createTestRun(request, 'OpenEMR requests');
    const outcomes: TestOutcome[] = [];
    const abort = new AbortController();
    const stop = token.onCancellationRequested(() => abort.abort());
    try {
      for (const [fileItem, wanted] of this.selected(request)) {
        const document = await vscode.workspace.openTextDocument(fileItem.uri!);
        this.itemsOf(document);
        this.files.reset(document);
        const session = this.files.session(document);
        for (const block of session.file.requests) {
          const item = fileItem.children.get(`${fileItem.id}#${block.index}`);
          if (!item || (wanted && !wanted.has(item.id))) continue;
          if (token.isCancellationRequested) {
            run.skipped(item);
            outcomes.push({ id: item.id, label: item.label, state: 'skipped', messages: [] });
            continue;
          }
          run.started(item);
          const result = await session.run(block, abort.signal);
          outcomes.push(this.report(run, item, result, document));
        }
      }
    } finally {
      stop.dispose();
      run.end();
    }
    this.finished.fire(outcomes);
    return outcomes;
  }

  /** File items with the request ids wanted (undefined: all of the file). */
  private selected(request: vscode.TestRunRequest): Map<vscode.TestItem, Set<string> | undefined> {
    const out = new Map<vscode.TestItem, Set<string> | undefined>();
    const roots: vscode.TestItem[] = [];
    this.controller.items.forEach((i) => roots.push(i));
    const include = request.include ?? roots;
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    for (const item of include) {
      if (excluded.has(item.id)) continue;
      if (!item.parent) {
        out.set(item, undefined);
        continue;
      }
      const wanted = out.get(item.parent);
      // A whole file already included covers its requests.
      if (out.has(item.parent) && wanted === undefined) continue;
      out.set(item.parent, new Set([...(wanted ?? []), item.id]));
    }
    for (const [fileItem, wanted] of out) {
      if (wanted || excluded.size === 0) continue;
      const ids = new Set<string>();
      fileItem.children.forEach((c) => !excluded.has(c.id) && ids.add(c.id));
      out.set(fileItem, ids);
    }
    return out;
  }

  private report(run: vscode.TestRun, item: vscode.TestItem, result: RequestRun, document: vscode.TextDocument): TestOutcome {
    const status = result.outcome?.result.status;
    const duration = result.outcome?.result.durationMs;
    const base = { id: item.id, label: item.label, status };
    if (result.outcome) {
      this.answers.set(item.id, { run: result });
      run.appendOutput(
        `${result.outcome.request.method} ${result.outcome.request.url} -> ${status} (${duration} ms)\r\n`,
        undefined,
        item,
      );
    }
    const link = new vscode.MarkdownString(
      `[Open the answer](command:openemr.requests.openAnswer?${encodeURIComponent(JSON.stringify({ id: item.id }))})`,
    );
    link.isTrusted = { enabledCommands: ['openemr.requests.openAnswer'] };
    if (result.error) {
      const message = new vscode.TestMessage(result.error.message);
      message.location = new vscode.Location(document.uri, new vscode.Position(result.block.line, 0));
      run.errored(item, result.outcome ? [message, new vscode.TestMessage(link)] : message, duration);
      return { ...base, state: 'errored', messages: [result.error.message] };
    }
    if (result.passed) {
      run.passed(item, duration);
      return { ...base, state: 'passed', messages: result.assertions.map((a) => a.message) };
    }
    const failures = result.assertions.filter((a) => !a.passed);
    const messages = failures.map((a) => {
      const line = result.block.assertions[result.assertions.indexOf(a)]?.line ?? result.block.line;
      const message = vscode.TestMessage.diff(a.message, a.assertion.expected || a.assertion.operator, a.actual);
      message.location = new vscode.Location(document.uri, new vscode.Position(line, 0));
      return message;
    });
    run.failed(item, [...messages, new vscode.TestMessage(link)], duration);
    return { ...base, state: 'failed', messages: failures.map((a) => a.message) };
  }

  private async openAnswer(id: string | undefined): Promise<void> {
    const kept = id ? this.answers.get(id) : undefined;
    if (!kept?.run.outcome || !kept.run.args) throw new Error('This request has no answer yet: run it first.');
    await showInViewer(kept.run.outcome, kept.run.args.serverId);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
