/** One patient: "Last, First", DOB and sex; pid and uuid in the tooltip; its groups below, by API. */
import * as vscode from 'vscode';
import { patientSections, type PathContext } from '../catalog';
import type { PatientRow } from '../fetch';
import { patientLabel } from '../labels';
import { ExplorerNode, type ServerScope } from './base';
import { FolderNode } from './folderNode';
import { groupNodes } from './groups';

export class PatientNode extends ExplorerNode {
  constructor(
    parent: ExplorerNode,
    id: string,
    readonly scope: ServerScope,
    public row: PatientRow,
  ) {
    super(parent, id);
  }

  get patient(): PatientRow {
    return this.row;
  }

  /** Relative path of the patient's record (portal for patient tokens). */
  get path(): string {
    if (this.scope.role === 'patient') return '/portal/patient';
    if (this.scope.role === 'system') return `/fhir/Patient/${encodeURIComponent(this.patient.uuid)}`;
    return `/api/patient/${encodeURIComponent(this.patient.uuid)}`;
  }

  override getChildren(): ExplorerNode[] {
    return this.fixedChildren(() => {
      const ctx: PathContext = { puuid: this.patient.uuid, pid: this.patient.pid };
      return patientSections(this.scope.role).map(
        (section) =>
          new FolderNode(
            this,
            section.id,
            section.label,
            (folder) => groupNodes(folder, this.scope, section.groups, ctx),
            section.id === 'fhir' ? 'flame' : 'folder-library',
          ),
      );
    });
  }

  getTreeItem(): vscode.TreeItem {
    const view = patientLabel(this.patient);
    const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = view.description;
    item.tooltip = view.tooltip.join('\n');
    item.iconPath = new vscode.ThemeIcon('account');
    item.contextValue = 'patient';
    return item;
  }
}
