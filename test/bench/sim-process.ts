/**
 * The simulator in its own process, as a real server would be: the benchmark's heap and event loop then hold
 * the extension's work only. Signs the admin in with the explorer's read scopes.
 */
import {
  HttpClient,
  OAuthClient,
  OpenEmrClient,
  registerClient,
  staticTokenSource,
  type ServerConfig,
  type TokenSet,
} from '../../src/core';
import { startSimulatorProcess, type SimulatorProcess } from '../harness/simulator';
import { EXPLORER_USER_SCOPES } from '../unit/explorer/explorer-sim';

export interface SimProcess {
  server: ServerConfig;
  http: HttpClient;
  client: OpenEmrClient;
  tokens: TokenSet;
  stop(): Promise<void>;
}

export async function explorerSimProcess(patients: number): Promise<SimProcess> {
  const sim: SimulatorProcess = await startSimulatorProcess(0, { flags: ['--patients', String(patients), '--quiet'] });
  const server: ServerConfig = { baseUrl: sim.url, timeoutMs: 60_000 };
  const http = new HttpClient(server);
  try {
    const registered = await registerClient(http, {
      clientName: 'bench',
      applicationType: 'private',
      redirectUris: ['http://127.0.0.1:8765/callback'],
      scopes: EXPLORER_USER_SCOPES,
    });
    const enabled = await fetch(`${sim.url}/__sim/clients/${encodeURIComponent(registered.clientId)}/enable`, { method: 'POST' });
    if (!enabled.ok) throw new Error(`enabling the client answered ${enabled.status}`);
    const oauth = new OAuthClient(http, { clientId: registered.clientId, clientSecret: registered.clientSecret });
    const tokens = await oauth.passwordGrant({
      role: 'users',
      username: 'admin',
      password: 'pass',
      scopes: EXPLORER_USER_SCOPES,
    });
    const client = new OpenEmrClient({ http, tokens: staticTokenSource(tokens.accessToken, tokens.grantedScopes) });
    return {
      server,
      http,
      client,
      tokens,
      stop: async () => {
        http.dispose();
        await sim.stop();
      },
    };
  } catch (error) {
    http.dispose();
    await sim.stop();
    throw error;
  }
}
