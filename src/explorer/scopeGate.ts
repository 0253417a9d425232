/**
 * Which groups a token can read, decided from its granted scopes before any request is made.
 * vscode-free. A group that fails the gate is hidden or shown disabled (setting openemr.explorer.unreadableGroups).
 */
import { parseScope, scopeCovers } from '../core';
import type { GroupApi, GroupSpec } from './catalog';
import type { TokenRole } from './source';

export interface GateResult {
  readable: boolean;
  /** The scope to add, when a scope is what is missing. */
  missingScope?: string;
  /** One line for the tooltip of a disabled group. */
  reason?: string;
}

const API_GATE: Record<GroupApi, string> = { standard: 'api:oemr', fhir: 'api:fhir', portal: 'api:port' };

/** A v2 scope narrowed by a query (`patient/Observation.rs?category=…`) still lets some of the records be searched. */
function narrowedSearch(granted: readonly string[], context: string, resource: string): boolean {
  return granted.some((g) => {
    const p = parseScope(g);
    return (
      p.kind === 'resource' &&
      Boolean(p.query) &&
      p.context === context &&
      p.resource === resource &&
      (p.permissions ?? '').includes('s')
    );
  });
}

/**
 * Readable when the token holds a scope that allows searching the group's resource in the token's context
 * (v1 `.read` and v2 `.s`/`.rs` both count). Scopes unknown (empty list): everything is readable.
 */
export function gateGroup(spec: GroupSpec, role: TokenRole, granted: readonly string[]): GateResult {
  if (spec.unsupported) return { readable: false, reason: spec.unsupported };
  if (granted.length === 0) return { readable: true };
  // OpenEMR hides scopes containing ':' from the token response, so the API gate is checked only when some are visible.
  const gate = API_GATE[spec.api];
  if (granted.some((s) => s.startsWith('api:')) && !granted.includes(gate)) {
    return { readable: false, missingScope: gate, reason: `The token lacks the scope ${gate}, which opens the ${spec.api} API.` };
  }
  const context = spec.api === 'portal' ? 'patient' : role;
  const need = `${context}/${spec.resource}.s`;
  if (scopeCovers(granted, need) || narrowedSearch(granted, context, spec.resource)) return { readable: true };
  const v1 = `${context}/${spec.resource}.read`;
  return { readable: false, missingScope: v1, reason: `The token lacks the scope ${v1} (or ${context}/${spec.resource}.rs).` };
}
