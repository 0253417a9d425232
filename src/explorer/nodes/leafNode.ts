/** One record. A click opens it in the JSON viewer; the context menu offers raw JSON, copy id, cURL, refresh. */
import * as vscode from 'vscode';
import { recordWrites } from '../../core';
import { itemPath, recordId, type GroupSpec, type LeafKind, type PathContext, type Row } from '../catalog';
import { rowLabel } from '../labels';
import { ExplorerNode, type ServerScope } from './base';

const ICONS: Record<LeafKind, string> = {
  encounter: 'pulse',
  vital: 'heart',
  soap_note: 'note',
  issue: 'issues',
  appointment: 'calendar',
  insurance: 'shield',
  document: 'file',
  employer: 'briefcase',
  transaction: 'arrow-swap',
  person: 'person',
  facility: 'home',
  company: 'organization',
  drug: 'beaker',
  immunization: 'verified',
  prescription: 'checklist',
  procedure: 'tools',
  option: 'list-flat',
  fhir: 'flame',
};

export class LeafNode extends ExplorerNode {
  constructor(
    parent: ExplorerNode,
    id: string,
    readonly scope: ServerScope,
    readonly spec: GroupSpec,
    public row: Row,
    readonly ctx: PathContext,
  ) {
    super(parent, id);
  }

  /** Relative to /apis/{site}; undefined when OpenEMR has no route that reads this one record. */
  get path(): string | undefined {
    return itemPath(this.spec, this.row, this.ctx);
  }

  get recordId(): string {
    return recordId(this.row);
  }

  get title(): string {
    // Rows of a Provenance sub-group are named by their own type, not by the sub-group's target type.
    const type = this.spec.kind === 'fhir' && typeof this.row.resourceType === 'string' ? this.row.resourceType : this.spec.label;
    return `${type}: ${rowLabel(this.spec.kind, this.row).label}`;
  }

  /** Reads the record again (Refresh on a leaf); rows without an instance route keep what the list gave. */
  async reload(): Promise<void> {
    const path = this.path;
    if (!path) return;
    const res = await this.scope.client.request<Row>('GET', path);
    const data = this.scope.client.unwrap(res);
    const row = Array.isArray(data) ? (data[0] as Row | undefined) : data;
    if (row && typeof row === 'object') this.row = row;
  }

  protected collapsible(): vscode.TreeItemCollapsibleState {
    return vscode.TreeItemCollapsibleState.None;
  }

  /** `leaf` plus what the record offers: `.edit` (a PUT route), `.delete`, `.export` (a FHIR Group). */
  private writeContext(): string {
    const path = this.path;
    const writes = path ? recordWrites(path) : {};
    const isGroup = this.spec.kind === 'fhir' && this.row.resourceType === 'Group';
    return ['leaf', writes.update && 'edit', writes.delete && 'delete', isGroup && 'export'].filter(Boolean).join('.');
  }

  getTreeItem(): vscode.TreeItem {
    const view = rowLabel(this.spec.kind, this.row);
    const item = new vscode.TreeItem(view.label, this.collapsible());
    item.id = this.id;
    item.description = view.description;
    item.tooltip = [...view.tooltip, this.path ? `GET ${this.path}` : ''].filter(Boolean).join('\n');
    item.iconPath = new vscode.ThemeIcon(ICONS[this.spec.kind]);
    item.contextValue = this.spec.kind === 'document' ? 'leaf.document' : this.writeContext();
    // A document's path downloads the file itself, so a click opens the file rather than the JSON viewer.
    item.command =
      this.spec.kind === 'document'
        ? { command: 'openemr.explorer.openDocument', title: 'Download and Open Document', arguments: [this] }
        : { command: 'openemr.explorer.open', title: 'Open JSON', arguments: [this] };
    return item;
  }
}
