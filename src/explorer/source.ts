/**
 * What the explorer needs from the rest of the extension, kept narrow and vscode-free so the tree's logic
 * can run against a real core client in plain Node (tests, benchmark). register.ts adapts Services to it.
 */
import type { Event, OpenEmrClient } from '../core';
import type { ClientState } from '../doctor/clientStates';

export interface ExplorerServer {
  id: string;
  name: string;
  baseUrl: string;
  site: string;
  /** The APIs the profile uses; all three when omitted. */
  apis?: ReadonlyArray<'api' | 'fhir' | 'portal'>;
}

export type SignInStatus = 'signed-out' | 'signed-in' | 'error';

/** Whose data the token reaches: a user (user/ scopes), a patient (patient/ scopes, own record only) or a backend service. */
export type TokenRole = 'user' | 'patient' | 'system';

export interface ServerState {
  status: SignInStatus;
  /** Who is signed in (username, email or subject); never a token. */
  account?: string;
  /** Granted scopes; empty when the server did not say (then nothing is hidden). */
  scopes: readonly string[];
  /** The patient uuid of a patient-context token (launch/patient or patient login), when known. */
  patient?: string;
  /** Why the server is in the error state. */
  error?: string;
  /** What is known of the server's OAuth client (shown while signed out). */
  client?: ClientState;
}

export interface ExplorerSource {
  servers(): readonly ExplorerServer[];
  state(serverId: string): ServerState;
  /** A client bound to the server's token; undefined when signed out. */
  client(serverId: string): OpenEmrClient | undefined;
  /** Fires when servers are added or removed, or a sign-in state changes (serverId undefined: all). */
  readonly onDidChange: Event<{ serverId?: string }>;
}

/** The role the granted scopes imply: patient/ without user/ means a patient token; system/ only means a backend service. */
export function roleOf(scopes: readonly string[]): TokenRole {
  const contexts = new Set(scopes.map((s) => /^(patient|user|system)\//.exec(s)?.[1]).filter(Boolean));
  if (contexts.has('user')) return 'user';
  if (contexts.has('patient')) return 'patient';
  if (contexts.has('system')) return 'system';
  return 'user';
}
