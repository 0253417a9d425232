/** A simulator and a signed-in core connection (token session with a refresh token) for the client benchmarks. */
import { createConnection, MemorySecretStore, type Connection } from '../../src/core';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, type SimContext } from '../unit/core/sim-helpers';

export interface SignedIn {
  ctx: SimContext;
  /** A fresh connection with the admin signed in (its own client, tokens and keep-alive sockets). */
  connect(): Promise<Connection>;
  close(): Promise<void>;
}

export async function signedInSim(patients: number): Promise<SignedIn> {
  const ctx = await startSim({ patients });
  const connections: Connection[] = [];
  return {
    ctx,
    async connect() {
      const client = await enabledClient(ctx);
      const conn = createConnection({
        // A loaded machine answers 200 concurrent calls slowly: the time-out must not be what is measured.
        server: { ...ctx.server, timeoutMs: 30_000 },
        client: { clientId: client.clientId, clientSecret: client.clientSecret },
        secrets: new MemorySecretStore(),
      });
      await conn.session.signedIn(await adminPasswordTokens(oauthFor(ctx, client)));
      connections.push(conn);
      return conn;
    },
    async close() {
      for (const c of connections) c.dispose();
      await ctx.close();
    },
  };
}
