/** The summary of a finished bulk export, as Markdown (no vscode import). */
import path from 'node:path';
import type { BulkExportResult } from '../core';

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Elapsed time as `m:ss`. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function exportSummaryMarkdown(result: BulkExportResult, serverName: string): string {
  const total = result.files.reduce((n, f) => n + f.lines, 0);
  const rows = result.files.map(
    (f) => `| ${f.type} | [${path.basename(f.path)}](${encodeURI(path.basename(f.path))}) | ${f.lines} |`,
  );
  const errors = result.errors.flatMap((e) => e.messages.map((m) => `- ${e.type} (${path.basename(e.path)}): ${m}`));
  return [
    `# Bulk export from ${serverName}`,
    '',
    `${result.files.length} files, ${total} resources, in ${seconds(result.durationMs)}` +
      (result.transactionTime ? ` (transaction time ${result.transactionTime})` : '') +
      '.',
    '',
    '| Resource type | File | Lines |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '## Errors',
    '',
    ...(errors.length ? errors : ['None.']),
    '',
    `Manifest: [export-manifest.json](export-manifest.json)`,
    '',
  ].join('\n');
}
