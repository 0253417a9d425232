/**
 * What the Servers tree has selected, as values for `{{patient.uuid}}`, `{{patient.pid}}`,
 * `{{encounter.uuid}}` and as prompt defaults: the selected node or the nearest patient and encounter above it.
 */
import type * as vscode from 'vscode';
import type { ExplorerNode } from '../explorer/nodes/base';
import { LeafNode } from '../explorer/nodes/leafNode';
import { PatientNode } from '../explorer/nodes/patientNode';
import { ServerNode } from '../explorer/nodes/serverNode';

export interface TreeSelection {
  serverId?: string;
  patient?: { uuid?: string; pid?: string };
  encounter?: { uuid?: string; eid?: string };
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

function isEncounter(node: LeafNode): boolean {
  return node.spec.kind === 'encounter' || (node.spec.kind === 'fhir' && node.row.resourceType === 'Encounter');
}

export function selectionOf(node: ExplorerNode | undefined): TreeSelection {
  const out: TreeSelection = {};
  for (let at = node; at; at = at.parent) {
    if (at instanceof ServerNode) out.serverId ??= at.serverId;
    if (at instanceof PatientNode) {
      out.serverId ??= at.scope.server.id;
      out.patient ??= { uuid: text(at.patient.uuid), pid: text(at.patient.pid) };
    }
    if (at instanceof LeafNode && isEncounter(at) && !out.encounter) {
      out.serverId ??= at.scope.server.id;
      const row = at.row;
      out.encounter = {
        uuid: text(row.uuid) ?? (row.resourceType === 'Encounter' ? text(row.id) : undefined),
        eid: text(row.eid) ?? text(row.encounter) ?? (row.resourceType ? undefined : text(row.id)),
      };
    }
  }
  return out;
}

/** Reads the current selection of the tree each time it is asked. */
export function treeSelection(view: vscode.TreeView<ExplorerNode> | undefined): () => TreeSelection {
  return () => selectionOf(view?.selection[0]);
}
