/**
 * Choosing the scopes of a client registration: the presets, the picker's groups, and the checks OpenEMR
 * would otherwise answer with invalid_scope or invalid_client_metadata. No `vscode` import.
 */
import {
  isScopeValidForPublicClient,
  scopeCatalog,
  SCOPE_PRESETS,
  splitScopes,
  type ScopeApi,
  type ScopeFilter,
  type ScopePreset,
  type ServerCapabilities,
} from '../core';

export type ApplicationType = 'private' | 'public';

/** The catalog filter that matches what the server offers. */
export function filterFor(
  caps: Pick<ServerCapabilities, 'flavor' | 'systemScopes'>,
  applicationType: ApplicationType,
): ScopeFilter {
  return { flavor: caps.flavor ?? 8, systemScopes: caps.systemScopes === true, publicClient: applicationType === 'public' };
}

/** Keeps only the scopes the server lists (all of them when it lists none, e.g. discovery failed). */
export function offered(scopes: readonly string[], scopesSupported: readonly string[]): string[] {
  if (!scopesSupported.length) return [...scopes];
  const known = new Set(scopesSupported);
  return scopes.filter((s) => known.has(s));
}

/** Presets that fit the application type. */
export function presetsFor(applicationType: ApplicationType): ScopePreset[] {
  return Object.values(SCOPE_PRESETS).filter((p) => p.confidential === (applicationType === 'private'));
}

/** What a registration asks for when no scopes are given: "Read only" (confidential) or "Patient app" (public). */
export function defaultScopes(caps: ServerCapabilities, applicationType: ApplicationType): string[] {
  const preset = applicationType === 'private' ? SCOPE_PRESETS['read-only'] : SCOPE_PRESETS['patient-app'];
  return offered(preset.scopes(filterFor(caps, applicationType)), caps.scopesSupported);
}

export interface ScopeGroup {
  api: ScopeApi;
  label: string;
  scopes: Array<{ scope: string; description: string }>;
}

const GROUP_LABELS: Record<ScopeApi, string> = {
  oidc: 'Identity and access',
  standard: 'Standard REST API (/api)',
  fhir: 'FHIR R4 (/fhir)',
  portal: 'Patient portal (/portal)',
};

/** The picker's groups: every catalog scope the server offers to this kind of client, grouped by API. */
export function scopeGroups(caps: ServerCapabilities, applicationType: ApplicationType): ScopeGroup[] {
  const entries = scopeCatalog(filterFor(caps, applicationType));
  const supported = new Set(
    offered(
      entries.map((e) => e.scope),
      caps.scopesSupported,
    ),
  );
  const order: ScopeApi[] = ['oidc', 'standard', 'fhir', 'portal'];
  return order
    .map((api) => ({
      api,
      label: GROUP_LABELS[api],
      scopes: entries
        .filter((e) => e.api === api && supported.has(e.scope))
        .map((e) => ({ scope: e.scope, description: e.description })),
    }))
    .filter((g) => g.scopes.length > 0);
}

/** Problems that would make OpenEMR reject the registration (empty when it can be sent). */
export function scopeProblems(
  scopes: readonly string[],
  applicationType: ApplicationType,
  scopesSupported: readonly string[],
): string[] {
  const list = splitScopes(scopes);
  const problems: string[] = [];
  if (!list.length) problems.push('choose at least one scope');
  if (scopesSupported.length) {
    const unknown = list.filter((s) => !scopesSupported.includes(s));
    if (unknown.length) problems.push(`the server does not offer ${unknown.join(' ')} (it would answer invalid_scope)`);
  }
  if (applicationType === 'public') {
    const privileged = list.filter((s) => !isScopeValidForPublicClient(s));
    if (privileged.length)
      problems.push(
        `a public client may not ask for user/ or system/ scopes: ${privileged.join(' ')} (choose a confidential client)`,
      );
  }
  return problems;
}

/** Whether a registration needs a key pair (system/ scopes or private_key_jwt). */
export function needsKeyPair(scopes: readonly string[], authMethod: string | undefined): boolean {
  return authMethod === 'private_key_jwt' || scopes.some((s) => s.startsWith('system/'));
}
