/** Turns group specs into nodes for one token: readable groups, and the others hidden or disabled per the setting. */
import type { GroupSpec, PathContext } from '../catalog';
import { gateGroup } from '../scopeGate';
import type { ExplorerNode, ServerScope } from './base';
import { DocumentsNode, GroupNode, SubgroupsNode } from './groupNode';
import { MessageNode } from './messageNode';

const PROFILE_API = { standard: 'api', fhir: 'fhir', portal: 'portal' } as const;

function groupNode(parent: ExplorerNode, scope: ServerScope, spec: GroupSpec, ctx: PathContext): GroupNode {
  if (spec.categories) return new DocumentsNode(parent, scope, spec, ctx);
  return spec.subgroups ? new SubgroupsNode(parent, scope, spec, ctx) : new GroupNode(parent, scope, spec, ctx);
}

export function groupNodes(
  parent: ExplorerNode,
  scope: ServerScope,
  specs: readonly GroupSpec[],
  ctx: PathContext,
): ExplorerNode[] {
  const hide = scope.settings().unreadableGroups === 'hide';
  const nodes: ExplorerNode[] = [];
  for (const spec of specs) {
    if (scope.server.apis && !scope.server.apis.includes(PROFILE_API[spec.api])) continue;
    const gate = gateGroup(spec, scope.role, scope.scopes);
    if (gate.readable) nodes.push(groupNode(parent, scope, spec, ctx));
    else if (!hide) {
      nodes.push(
        new MessageNode(parent, `${parent.id}/${spec.id}`, spec.label, {
          description: gate.missingScope ? `needs ${gate.missingScope}` : 'not available',
          tooltip: gate.reason,
          icon: 'circle-slash',
          contextValue: 'group.disabled',
        }),
      );
    }
  }
  return nodes;
}
