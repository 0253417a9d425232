/**
 * Sends the requests of a request file. Named answers are kept per file, so a later *Send* can read an
 * earlier one (`{{list.response.body.$...}}`); a request that reads one not yet sent sends it first.
 */
import * as vscode from 'vscode';
import { FileRun, type RequestRun } from '../../core/requests/fileRun';
import type { NamedResponse } from '../../core/requests/variables';
import type { Services } from '../../services';
import type { RequestRunner } from '../runner';
import type { TreeSelection } from '../selection';
import { parsed } from './documents';
import type { ServerChoice } from './serverChoice';

export class FileRunner {
  private readonly answers = new Map<string, Map<string, NamedResponse>>();

  constructor(
    private readonly services: Services,
    private readonly runner: RequestRunner,
    private readonly servers: ServerChoice,
    private readonly selection: () => TreeSelection,
  ) {}

  /** A run over the document's current text, with the answers kept from earlier sends. */
  session(document: vscode.TextDocument): FileRun {
    const file = parsed(document);
    const selected = this.selection();
    const run = new FileRun(
      file,
      {
        selection: {
          'patient.uuid': selected.patient?.uuid,
          'patient.pid': selected.patient?.pid,
          'encounter.uuid': selected.encounter?.uuid,
          'encounter.eid': selected.encounter?.eid,
        },
        env: (name) => process.env[name],
      },
      {
        serverFor: (block) => this.servers.serverFor(file, block),
        relativize: (serverId, url) => {
          const { relative } = this.services.client(serverId).resolve(url);
          return relative + new URL(url).search;
        },
        send: (args, signal) => this.runner.send(args, signal),
      },
    );
    const key = document.uri.toString();
    const kept = this.answers.get(key);
    if (kept) for (const [name, answer] of kept) run.responses.set(name, answer);
    this.answers.set(key, run.responses);
    return run;
  }

  /** Forgets the answers of a file (a run of all its requests starts afresh). */
  reset(document: vscode.TextDocument): void {
    this.answers.delete(document.uri.toString());
  }

  async send(document: vscode.TextDocument, index: number, signal?: AbortSignal): Promise<RequestRun> {
    const block = parsed(document).requests[index];
    if (!block) throw new Error(`The file has no request number ${index + 1}.`);
    return this.session(document).run(block, signal);
  }
}
