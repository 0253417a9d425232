/** What a tree row gives the write and export commands: its server, its record path or the list it shows. */
import { fillPath } from '../core';
import { ExplorerNode } from '../explorer/nodes/base';
import { GroupNode } from '../explorer/nodes/groupNode';
import { LeafNode } from '../explorer/nodes/leafNode';
import { PatientNode } from '../explorer/nodes/patientNode';
import { PatientsNode } from '../explorer/nodes/patientsNode';
import { ServerNode } from '../explorer/nodes/serverNode';

export interface NodeTarget {
  serverId: string;
  /** The record's path (records and patients). */
  path?: string;
  /** The list's path (groups and Patients), where New... creates. */
  listPath?: string;
  /** The FHIR resource type of a record row (Group rows offer a Group export). */
  resourceType?: string;
  recordId?: string;
  node: ExplorerNode;
}

function serverIdOf(node: ExplorerNode): string | undefined {
  let at: ExplorerNode | undefined = node;
  while (at && !(at instanceof ServerNode)) at = at.parent;
  return at?.serverId;
}

/** The target of a tree row, or undefined when the argument is not one (an argument object). */
export function nodeTarget(arg: unknown): NodeTarget | undefined {
  if (!(arg instanceof ExplorerNode)) return undefined;
  const serverId = serverIdOf(arg);
  if (!serverId) return undefined;
  if (arg instanceof LeafNode) {
    const type = typeof arg.row.resourceType === 'string' ? arg.row.resourceType : undefined;
    return { serverId, path: arg.path, resourceType: type, recordId: arg.recordId, node: arg };
  }
  if (arg instanceof PatientNode) return { serverId, path: arg.path, node: arg };
  if (arg instanceof GroupNode) return { serverId, listPath: fillPath(arg.spec.path, arg.ctx), node: arg };
  if (arg instanceof PatientsNode)
    return { serverId, listPath: arg.scope.role === 'system' ? '/fhir/Patient' : '/api/patient', node: arg };
  return { serverId, node: arg };
}

/** Every node loaded below `root` (nothing is fetched) for which `match` holds. */
export function findLoaded(root: ExplorerNode, match: (node: ExplorerNode) => boolean): ExplorerNode[] {
  const found: ExplorerNode[] = [];
  const visit = (node: ExplorerNode): void => {
    if (match(node)) found.push(node);
    node.loadedChildren().forEach(visit);
  };
  visit(root);
  return found;
}

/**
 * The loaded rows a write to `apiPath` changed: the record's own rows after an update, the lists that hold
 * it after a create (`apiPath` is then the list) or a delete.
 */
export function rowsChangedBy(root: ExplorerNode, kind: 'update' | 'create' | 'delete', apiPath: string): ExplorerNode[] {
  if (kind === 'update')
    return findLoaded(root, (n) => (n instanceof LeafNode || n instanceof PatientNode) && n.path === apiPath);
  const list = kind === 'create' ? apiPath : apiPath.replace(/\/[^/]+$/, '');
  return findLoaded(root, (n) => nodeTarget(n)?.listPath === list);
}

/** The row to refresh after a write: a record reloads itself, a patient's list row is refreshed through its list. */
export function refreshTargetOf(node: ExplorerNode | undefined, deleted = false): ExplorerNode | undefined {
  if (!node) return undefined;
  return node instanceof PatientNode || deleted ? node.parent : node;
}
