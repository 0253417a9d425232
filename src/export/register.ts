/**
 * FHIR Bulk Data export commands: Export (level, types, since, folder; a cancellable progress notification
 * with the elapsed time and OpenEMR's progress header; a summary at the end), Cancel Export, and Open NDJSON
 * in the JSON viewer.
 */
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import {
  checkExportScopes,
  OpenEmrError,
  PATIENT_GROUPS,
  runBulkExport,
  type BulkExportResult,
  type ExportLevel,
  type ExportProgress,
} from '../core';
import type { AuthServices } from '../auth/createServices';
import { orCancel, pickServer, registerArgCommand, stringArg, stringListArg, type CommandArgs } from '../commands/commandSupport';
import { registerTreeCommand } from '../documents/register';
import { nodeTarget } from '../documents/targets';
import { openNdjsonInViewer } from './ndjsonView';
import { clock, exportSummaryMarkdown } from './summary';

const LEVELS: ReadonlyArray<{ level: ExportLevel; label: string; detail: string }> = [
  { level: 'system', label: 'System', detail: 'GET /fhir/$export: every resource the server exports' },
  { level: 'patient', label: 'All patients', detail: 'GET /fhir/Patient/$export: the records of every patient' },
  { level: 'group', label: 'A Group', detail: 'GET /fhir/Group/{id}/$export: the records of the group members' },
];

/** Types a patient or group export can hold: Patient and the per-patient FHIR groups of the catalog. */
const PATIENT_TYPES = new Set(['Patient', ...PATIENT_GROUPS.filter((g) => g.api === 'fhir').map((g) => g.route.resource)]);

const PHASE_TEXT: Record<ExportProgress['phase'], string> = {
  'kick-off': 'Starting',
  waiting: 'OpenEMR is preparing the files',
  downloading: 'Downloading',
  cancelling: 'Cancelling',
};

export function progressMessage(p: ExportProgress): string {
  const file = p.phase === 'downloading' && p.file ? ` ${p.file} (${(p.filesDone ?? 0) + 1}/${p.filesTotal ?? '?'})` : '';
  return [`${PHASE_TEXT[p.phase]}${file}`, clock(p.elapsedMs), p.serverProgress].filter(Boolean).join(' · ');
}

export interface BulkExportCommandResult {
  files: Array<{ type: string; path: string; lines: number }>;
  errors: Array<{ type: string; path: string; messages: string[] }>;
  manifestPath: string;
  summaryPath: string;
  durationMs: number;
}

interface Running {
  abort: AbortController;
  done: Promise<unknown>;
}

async function offeredTypes(services: AuthServices, serverId: string, level: ExportLevel): Promise<string[]> {
  const res = await services.client(serverId).request('GET', '/fhir/metadata', undefined, { anonymous: true });
  const rest = (res.body as { rest?: Array<{ resource?: Array<{ type?: string }> }> } | undefined)?.rest ?? [];
  const types = rest.flatMap((r) => r.resource ?? []).flatMap((r) => (r.type ? [r.type] : []));
  return level === 'system' ? types : types.filter((t) => PATIENT_TYPES.has(t));
}

async function pickGroup(services: AuthServices, serverId: string): Promise<string> {
  const res = await services.client(serverId).request('GET', '/fhir/Group');
  const groups = ((res.body as { entry?: Array<{ resource?: { id?: string; name?: string; quantity?: number } }> })?.entry ?? [])
    .map((e) => e.resource)
    .filter((g): g is { id: string; name?: string; quantity?: number } => Boolean(g?.id));
  if (!groups.length)
    return orCancel(await vscode.window.showInputBox({ prompt: 'Id of the FHIR Group to export', ignoreFocusOut: true }));
  const picked = await vscode.window.showQuickPick(
    groups.map((g) => ({
      label: g.name ?? g.id,
      description: g.quantity === undefined ? undefined : `${g.quantity} members`,
      id: g.id,
    })),
    { placeHolder: 'Which group?', ignoreFocusOut: true },
  );
  return orCancel(picked).id;
}

function defaultFolder(): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? homedir();
  return path.join(root, 'fhir-export', new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19));
}

export function registerExport(context: vscode.ExtensionContext, services: AuthServices): void {
  const running = new Map<string, Running>();

  async function bulkExport(args: CommandArgs | undefined, interactive: boolean): Promise<BulkExportCommandResult> {
    const target = nodeTarget(args?.node);
    const serverId = target?.serverId ?? (await pickServer(services, args)).id;
    const server = services.servers.require(serverId);
    if (running.has(serverId))
      throw new OpenEmrError('invalid-request', `A bulk export from ${server.name} is already running`, {
        fix: 'Wait for it, or run "OpenEMR: Cancel Bulk Export".',
      });
    const groupFromNode = target?.resourceType === 'Group' ? target.recordId : undefined;
    let level = (stringArg(args, 'level') as ExportLevel | undefined) ?? (groupFromNode ? 'group' : undefined);
    if (!level && interactive)
      level = orCancel(await vscode.window.showQuickPick(LEVELS, { placeHolder: 'Export what?', ignoreFocusOut: true })).level;
    if (!level || !LEVELS.some((l) => l.level === level))
      throw new OpenEmrError('invalid-request', 'The argument "level" must be "system", "patient" or "group"', {
        fix: 'Pass { level: "system" | "patient" | "group" }.',
      });
    checkExportScopes(level, services.tokens.state(serverId).summary?.grantedScopes ?? []);
    let groupId = stringArg(args, 'groupId') ?? groupFromNode;
    if (level === 'group' && !groupId && interactive) groupId = await pickGroup(services, serverId);
    let types = stringListArg(args, 'types')?.flatMap((t) => t.split(','));
    let since = stringArg(args, 'since');
    let folder = stringArg(args, 'folder');
    if (interactive) {
      if (!types) {
        const offered = await offeredTypes(services, serverId, level);
        const picked = await vscode.window.showQuickPick(
          offered.map((t) => ({ label: t })),
          { canPickMany: true, placeHolder: 'Resource types (_type); pick none to export every type', ignoreFocusOut: true },
        );
        types = orCancel(picked).map((p) => p.label);
      }
      since ??=
        orCancel(
          await vscode.window.showInputBox({
            prompt: '_since: only resources changed after this instant (empty for everything)',
            placeHolder: '2026-01-01T00:00:00Z',
            ignoreFocusOut: true,
            validateInput: (v) => (!v || !Number.isNaN(Date.parse(v)) ? undefined : 'An instant such as 2026-01-01T00:00:00Z'),
          }),
        ) || undefined;
      folder ??= orCancel(
        await vscode.window.showInputBox({ prompt: 'Output folder', value: defaultFolder(), ignoreFocusOut: true }),
      );
    }
    if (!folder)
      throw new OpenEmrError('invalid-request', 'The argument "folder" is required', {
        fix: 'Pass { folder: "/absolute/path" }.',
      });
    const abort = new AbortController();
    const work = vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `OpenEMR bulk export from ${server.name}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let last: ExportProgress | undefined;
        const started = Date.now();
        const tick = setInterval(() => {
          if (last) progress.report({ message: progressMessage({ ...last, elapsedMs: Date.now() - started }) });
        }, 1000);
        try {
          return await runBulkExport(
            services.client(serverId),
            { level: level!, groupId, types, since, folder: folder! },
            {
              signal: abort.signal,
              onProgress: (p) => {
                last = p;
                progress.report({ message: progressMessage(p) });
              },
            },
          );
        } finally {
          clearInterval(tick);
        }
      },
    );
    running.set(serverId, { abort, done: Promise.resolve(work).catch(() => undefined) });
    let result: BulkExportResult;
    try {
      result = await work;
    } finally {
      running.delete(serverId);
    }
    const summaryPath = path.join(folder, 'export-summary.md');
    await writeFile(summaryPath, exportSummaryMarkdown(result, server.name));
    services.log.info(`bulk export from ${server.name}: ${result.files.length} files in ${result.durationMs} ms -> ${folder}`);
    if (interactive || args?.show === true)
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(summaryPath)).then(undefined, () => undefined);
    return {
      files: result.files.map(({ type, path: p, lines }) => ({ type, path: p, lines })),
      errors: result.errors,
      manifestPath: result.manifestPath,
      summaryPath,
      durationMs: result.durationMs,
    };
  }

  context.subscriptions.push(
    registerArgCommand(services, 'openemr.bulkExport', (args, t) => bulkExport(args, t.interactive)),
    registerArgCommand(services, 'openemr.cancelBulkExport', async (args) => {
      const serverId =
        stringArg(args, 'serverId') ?? (running.size === 1 ? [...running.keys()][0] : (await pickServer(services, args)).id);
      const job = serverId ? running.get(serverId) : undefined;
      if (!job) return { cancelled: false, reason: 'No bulk export is running for this server.' };
      job.abort.abort();
      await job.done;
      return { cancelled: true };
    }),
    registerArgCommand(services, 'openemr.openNdjson', async (args) => {
      const file =
        stringArg(args, 'path') ??
        (args?.node instanceof vscode.Uri ? args.node.fsPath : undefined) ??
        vscode.window.activeTextEditor?.document.uri.fsPath;
      if (!file) throw new OpenEmrError('invalid-request', 'No NDJSON file given', { fix: 'Pass { path } of a .ndjson file.' });
      return openNdjsonInViewer(file);
    }),
    registerTreeCommand('openemr.explorer.bulkExport', 'openemr.bulkExport'),
    registerTreeCommand('openemr.files.openNdjson', 'openemr.openNdjson'),
  );
}
