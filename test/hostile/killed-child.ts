// A stand-in for an extension host that gets killed: it runs the token session (refresh with rotation) or
// the request history in a loop until its parent kills it. Configuration comes in KILLED_CONFIG (JSON).
import { createConnection, type ClientCredentials } from '../../src/core';
import { HistoryStore } from '../../src/core/requests/history';
import { FileSecretStore } from './file-secret-store';

interface Config {
  mode: 'refresh' | 'history';
  baseUrl: string;
  client: ClientCredentials;
  /** The secrets file (refresh) or the history folder (history). */
  path: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.KILLED_CONFIG ?? '{}') as Config;
  process.stdout.write('ready\n');
  if (config.mode === 'refresh') {
    const conn = createConnection({
      server: { baseUrl: config.baseUrl },
      client: config.client,
      secrets: new FileSecretStore(config.path),
    });
    for (;;) {
      await conn.session.refresh();
      process.stdout.write('refreshed\n');
    }
  }
  const history = new HistoryStore(config.path);
  for (let n = 0; ; n++) {
    await history.add({
      serverId: 'killed',
      method: 'GET',
      path: `/api/patient?n=${n}`,
      status: 200,
      durationMs: 1,
      sizeBytes: 2,
    });
  }
}

main().catch((err: unknown) => {
  process.stdout.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
