/**
 * Sends requests for every entry point (the command, request files, history): through the server's API
 * client with its token, then records the request in the history.
 */
import * as vscode from 'vscode';
import { sendRequest, type SendOutcome, type SendRequestArgs } from '../core/requests/send';
import type { HistoryStore } from '../core/requests/history';
import type { Services } from '../services';

export class RequestRunner implements vscode.Disposable {
  private readonly sent = new vscode.EventEmitter<SendOutcome & { args: SendRequestArgs }>();
  /** `openemr.history.keepResponses`, read once and again when the setting changes (not on every request). */
  private keep: boolean | undefined;
  private readonly configWatch = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('openemr.history.keepResponses')) this.keep = undefined;
  });
  /** Fires after each answer (the history view redraws). */
  readonly onDidSend = this.sent.event;

  constructor(
    private readonly services: Services,
    readonly history: HistoryStore,
  ) {}

  private keepResponses(): boolean {
    return (this.keep ??= vscode.workspace.getConfiguration('openemr.history').get<boolean>('keepResponses', false));
  }

  /** The token in use, so that a server echoing it back cannot put it into a result. */
  private async knownSecrets(serverId: string): Promise<string[]> {
    const state = this.services.tokens.state(serverId);
    if (!state.signedIn) return [];
    return [await this.services.tokens.accessToken(serverId).catch(() => '')].filter(Boolean);
  }

  async send(args: SendRequestArgs, signal?: AbortSignal): Promise<SendOutcome> {
    const client = this.services.client(args.serverId);
    const outcome = await sendRequest(client, args, () => this.knownSecrets(args.serverId), signal);
    const { result, request } = outcome;
    // Not awaited: the answer does not wait for the disk (the store batches its writes).
    this.history
      .add({
        serverId: args.serverId,
        method: args.method,
        path: request.path,
        headers: args.headers,
        body: args.body,
        status: result.status,
        durationMs: result.durationMs,
        sizeBytes: result.sizeBytes,
        response: this.keepResponses()
          ? { contentType: result.headers['content-type'], body: result.body, text: result.text }
          : undefined,
      })
      .catch((err: unknown) => this.services.log.warn(`the request history could not be written: ${String(err)}`));
    this.sent.fire({ ...outcome, args });
    return outcome;
  }

  dispose(): void {
    this.configWatch.dispose();
    this.sent.dispose();
  }
}
