/**
 * "Patients": pages sorted by last name with "Load more", filtered in place by a search. A patient token
 * sees only its own record.
 */
import * as vscode from 'vscode';
import type { PatientSearch } from '../../core';
import { fetchFhirPatientsPage, fetchOwnRecord, fetchPatientsPage, trimPatient, type PatientRow } from '../fetch';
import { PagedList, type PageFetcher } from '../pager';
import { describePatientSearch } from '../search';
import type { ExplorerNode, ServerScope } from './base';
import { MessageNode } from './messageNode';
import { PagedNode } from './pagedNode';
import { PatientNode } from './patientNode';

export class PatientsNode extends PagedNode<Record<string, unknown>, PatientRow> {
  private search: PatientSearch = {};
  /** Built once: every row id starts with it (one string less per patient). */
  private readonly rowIdPrefix = `${this.id}/`;

  constructor(
    parent: ExplorerNode,
    readonly scope: ServerScope,
  ) {
    super(parent, `${parent.id}/patients`);
  }

  get filter(): PatientSearch {
    return this.search;
  }

  /** The filter as text (`lname=Smith`), empty without one. */
  get filterText(): string {
    return describePatientSearch(this.search);
  }

  setFilter(search: PatientSearch): void {
    this.search = search;
    this.invalidate();
  }

  protected createPager(): PagedList<Record<string, unknown>, PatientRow> {
    const { client, role } = this.scope;
    const fetch: PageFetcher<Record<string, unknown>> =
      role === 'patient'
        ? () => fetchOwnRecord(client)
        : role === 'system'
          ? (page) => fetchFhirPatientsPage(client, page)
          : (page) => fetchPatientsPage(client, this.search, page);
    return new PagedList(fetch, this.scope.settings().pageSize, trimPatient);
  }

  protected rowId(row: PatientRow): string {
    return this.rowIdPrefix + (row.uuid || row.pid || 'unknown');
  }

  protected rowNode(row: PatientRow, id: string): PatientNode {
    return new PatientNode(this, id, this.scope, row);
  }

  protected emptyNode(): ExplorerNode {
    return new MessageNode(this, `${this.id}/empty`, this.filterText ? 'No patient matches the filter' : 'No patients', {
      icon: 'circle-outline',
    });
  }

  getTreeItem(): vscode.TreeItem {
    // Open at first sight: the patient list is what a sign-in is for.
    const item = new vscode.TreeItem(
      this.scope.role === 'patient' ? 'My Record' : 'Patients',
      vscode.TreeItemCollapsibleState.Expanded,
    );
    item.id = this.id;
    this.describe(item, this.filterText ? `filter: ${this.filterText}` : undefined);
    item.tooltip =
      this.scope.role === 'patient'
        ? 'A patient token sees only its own record.'
        : 'Patients sorted by last name. Use the search action to filter.';
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = this.filterText ? 'patients.filtered' : 'patients';
    return item;
  }
}
