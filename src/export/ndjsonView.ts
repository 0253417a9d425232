/**
 * Opens an NDJSON file (a bulk export output) in the JSON viewer: each line becomes a row of a collection
 * Bundle, so the viewer's entry table lists the lines and shows the FHIR summary of the selected one. Large
 * files are read line by line up to a limit, never whole.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import { OpenEmrError } from '../core';

export const NDJSON_MAX_LINES = 10_000;

export interface NdjsonBundle {
  bundle: { resourceType: 'Bundle'; type: 'collection'; total: number; entry: Array<{ resource: unknown }> };
  lines: number;
  truncated: boolean;
  badLines: number[];
}

/** Reads up to `max` lines of an NDJSON file as a collection Bundle; lines that are not JSON are listed by number. */
export async function readNdjsonBundle(file: string, max = NDJSON_MAX_LINES): Promise<NdjsonBundle> {
  const entry: Array<{ resource: unknown }> = [];
  const badLines: number[] = [];
  let n = 0;
  let truncated = false;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    n++;
    if (entry.length >= max) {
      truncated = true;
      break;
    }
    try {
      entry.push({ resource: JSON.parse(line) as unknown });
    } catch {
      badLines.push(n);
    }
  }
  lines.close();
  return { bundle: { resourceType: 'Bundle', type: 'collection', total: entry.length, entry }, lines: n, truncated, badLines };
}

export async function openNdjsonInViewer(file: string): Promise<{ panelId?: string; lines: number; truncated: boolean }> {
  if (!file.toLowerCase().endsWith('.ndjson'))
    throw new OpenEmrError('invalid-request', `Not an NDJSON file: ${path.basename(file)}`, { fix: 'Pick a .ndjson file.' });
  const read = await readNdjsonBundle(file);
  const title = `${path.basename(file)} (${read.truncated ? `first ${read.bundle.entry.length} lines` : `${read.lines} lines`})`;
  const shown = await vscode.commands.executeCommand<{ panelId?: string }>('openemr.openInViewer', { title, json: read.bundle });
  return { panelId: shown?.panelId, lines: read.lines, truncated: read.truncated };
}
