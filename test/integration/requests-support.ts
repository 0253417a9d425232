// What the request runner's integration tests share: a signed-in simulator server and the current token.
import * as vscode from 'vscode';
import { executeCommand, simControl, simUrl } from './helpers';

export const REQUEST_SCOPES = [
  'openid',
  'offline_access',
  'api:oemr',
  'api:fhir',
  'user/patient.read',
  'user/patient.write',
  'user/encounter.read',
  'user/document.read',
  'user/document.write',
  'user/Patient.read',
  'user/Observation.read',
];

/** Adds a server for the simulator, registers an enabled client and signs in with the password grant. */
export async function signedInServer(name: string, scopes = REQUEST_SCOPES): Promise<string> {
  const { serverId } = await executeCommand<{ serverId: string }>('openemr.addServer', { baseUrl: simUrl(), name });
  const { clientId, enabled } = await executeCommand<{ clientId: string; enabled: boolean | 'unknown' }>(
    'openemr.registerClient',
    { serverId, applicationType: 'private', scopes },
  );
  if (enabled !== true) await simControl(`clients/${encodeURIComponent(clientId)}/enable`);
  await executeCommand('openemr.login', {
    serverId,
    grant: 'password',
    scopes,
    userRole: 'users',
    username: 'admin',
    password: 'pass',
  });
  return serverId;
}

/** The current access token, through the public "Copy Access Token" path (the clipboard is cleared after). */
export async function tokenOf(serverId: string): Promise<string> {
  await executeCommand('openemr.copyAccessToken', { serverId, acknowledgeRisk: true });
  const token = await vscode.env.clipboard.readText();
  await vscode.env.clipboard.writeText('');
  return token;
}

export interface Counters {
  tokenRequests: number;
  byGrant: Record<string, number>;
  requests: number;
  byMethod: Record<string, number>;
  byClient: Record<string, number>;
}

export async function counters(): Promise<Counters> {
  const res = await fetch(`${simUrl()}/__sim/counters`);
  return (await res.json()) as Counters;
}

export async function removeServer(serverId: string | undefined): Promise<void> {
  if (serverId) await executeCommand('openemr.removeServer', { serverId }).catch(() => undefined);
}

/** The stored profile of a server (the `openemr.servers` user setting). */
export function serverProfile(serverId: string): { id: string; clientId?: string } {
  const profiles = vscode.workspace.getConfiguration('openemr').get<Array<{ id: string; clientId?: string }>>('servers') ?? [];
  const profile = profiles.find((p) => p.id === serverId);
  if (!profile) throw new Error(`no profile ${serverId}`);
  return profile;
}
