/**
 * A server: its sign-in status, and when signed in, Patients, the top-level collections the token's scopes
 * allow, "Lists" and a "FHIR" folder.
 */
import * as vscode from 'vscode';
import { KNOWN_LISTS, optionListGroup, SERVER_COLLECTIONS, SERVER_FHIR_COLLECTIONS, type GroupSpec } from '../catalog';
import { gateGroup } from '../scopeGate';
import type { ServerState } from '../source';
import { ExplorerNode, type ServerScope } from './base';
import { FolderNode } from './folderNode';
import { groupNodes } from './groups';
import { MessageNode } from './messageNode';
import { PatientsNode } from './patientsNode';
import { serverContextValue, serverDescription, serverTooltip } from '../serverRow';

const WALKTHROUGH = 'openemr-tools.openemr-api#openemr.gettingStarted';

const PATIENTS_SPEC: Record<ServerScope['role'], GroupSpec> = {
  user: {
    id: 'api:patient',
    label: 'Patients',
    api: 'standard',
    kind: 'person',
    resource: 'patient',
    path: '/api/patient',
    item: 'uuid',
  },
  patient: {
    id: 'portal:patient',
    label: 'My Record',
    api: 'portal',
    kind: 'person',
    resource: 'patient',
    path: '/portal/patient',
    item: 'none',
  },
  system: {
    id: 'fhir:Patient',
    label: 'Patients',
    api: 'fhir',
    kind: 'fhir',
    resource: 'Patient',
    path: '/fhir/Patient',
    item: 'fhir',
  },
};

export class ServerNode extends ExplorerNode {
  private patientsNode: PatientsNode | undefined;

  constructor(
    readonly serverId: string,
    readonly name: string,
    readonly state: ServerState,
    /** Undefined while signed out. */
    readonly scope: ServerScope | undefined,
  ) {
    super(undefined, `server:${serverId}`);
  }

  /** The Patients node (kept across getChildren calls so the filter and loaded pages survive). */
  get patients(): PatientsNode | undefined {
    if (!this.scope) return undefined;
    this.patientsNode ??= new PatientsNode(this, this.scope);
    return this.patientsNode;
  }

  /** Built once: a server refresh re-fetches every list below it (the patient filter stays). */
  override getChildren(): ExplorerNode[] {
    return this.fixedChildren(() => this.buildChildren());
  }

  private buildChildren(): ExplorerNode[] {
    const scope = this.scope;
    if (!scope) return this.signedOutChildren();
    const nodes: ExplorerNode[] = [];
    const patients = groupNodes(this, scope, [PATIENTS_SPEC[scope.role]], {});
    if (patients[0] instanceof MessageNode) nodes.push(patients[0]);
    else if (patients.length) nodes.push(this.patients!);
    if (scope.role === 'user') {
      nodes.push(...groupNodes(this, scope, SERVER_COLLECTIONS, {}));
      if (gateGroup(optionListGroup('sex'), scope.role, scope.scopes).readable) {
        nodes.push(
          new FolderNode(
            this,
            'lists',
            'Lists',
            (folder) => groupNodes(folder, scope, KNOWN_LISTS.map(optionListGroup), {}),
            'list-flat',
            'GET /api/list/:list_name',
          ),
        );
      }
    }
    const fhir = new FolderNode(
      this,
      'fhir',
      'FHIR',
      (folder) => groupNodes(folder, scope, SERVER_FHIR_COLLECTIONS, {}),
      'flame',
      'FHIR R4 resources not tied to a patient',
    );
    if (!scope.server.apis || scope.server.apis.includes('fhir')) nodes.push(fhir);
    return nodes;
  }

  /** The way to sign in, what the client waits for, and the walkthrough. */
  private signedOutChildren(): ExplorerNode[] {
    const target = { serverId: this.serverId, interactive: true };
    const rows: ExplorerNode[] = [];
    if (this.state.client === 'awaiting') {
      rows.push(
        new MessageNode(this, `${this.id}/approve`, 'Client awaiting approval: open the API Clients page', {
          icon: 'link-external',
          tooltip: 'An OpenEMR administrator enables the client in Administration > System > API Clients.',
          command: { command: 'openemr.openApiClientsPage', title: 'Open API Clients Page', arguments: [target] },
        }),
      );
    }
    rows.push(
      new MessageNode(this, `${this.id}/sign-in`, 'Sign in to browse this server', {
        icon: 'sign-in',
        command: { command: 'openemr.explorer.signIn', title: 'Sign In', arguments: [this] },
      }),
      new MessageNode(this, `${this.id}/walkthrough`, 'Getting started walkthrough', {
        icon: 'book',
        command: { command: 'workbench.action.openWalkthrough', title: 'Open Walkthrough', arguments: [WALKTHROUGH] },
      }),
    );
    return rows;
  }

  getTreeItem(): vscode.TreeItem {
    // A signed-out server opens on its way to sign in; the tree remembers what the user expands after that.
    const item = new vscode.TreeItem(
      this.name,
      this.scope ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded,
    );
    item.id = this.id;
    const { status } = this.state;
    item.description = serverDescription(this.state);
    item.tooltip = serverTooltip(this.name, this.state);
    item.iconPath = new vscode.ThemeIcon(
      status === 'signed-in' ? 'vm-active' : status === 'error' ? 'vm-outline' : 'vm',
      status === 'error' ? new vscode.ThemeColor('errorForeground') : undefined,
    );
    item.contextValue = serverContextValue(this.state);
    return item;
  }
}
