// Entry the extension host loads as extensionTestsPath for the host benchmark (bundled to dist-test/bench/host.js):
// signs in to the simulator through the commands, then times sequential GET /api/patient/:puuid through
// openemr.sendRequest against raw node-fetch with the same token, interleaved, and writes the figure to
// OPENEMR_BENCH_RESULT_FILE.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import fetch from 'node-fetch';
import type { SendRequestResult } from '../../../src/core/requests/send';
import { activateExtension, executeCommand, simUrl } from '../../integration/helpers';
import { removeServer, signedInServer, tokenOf } from '../../integration/requests-support';
import { measureRatio, timed, type Figure } from '../figures';

export async function run(): Promise<void> {
  const resultFile = process.env.OPENEMR_BENCH_RESULT_FILE;
  if (!resultFile) throw new Error('OPENEMR_BENCH_RESULT_FILE is not set');
  const smoke = process.env.OPENEMR_BENCH_SMOKE === '1';
  const requests = smoke ? 20 : 1000;
  const blocks = smoke ? 2 : 50;
  const agent = new http.Agent({ keepAlive: true });
  let serverId: string | undefined;
  try {
    await activateExtension();
    serverId = await signedInServer('Bench sim');
    const send = (args: Record<string, unknown>) =>
      executeCommand<SendRequestResult>('openemr.sendRequest', { serverId, ...args });
    const list = await send({ method: 'GET', path: '/api/patient', query: { _limit: 50 } });
    const uuids = (list.body as { data: Array<{ uuid: string }> }).data.map((p) => p.uuid);
    const token = await tokenOf(serverId);
    const base = `${simUrl()}/apis/default`;
    const perBlock = requests / blocks;
    const viaCommand = () =>
      timed(async () => {
        for (let i = 0; i < perBlock; i++) {
          const result = await send({ method: 'GET', path: `/api/patient/${uuids[i % uuids.length]}` });
          if (result.status !== 200) throw new Error(`sendRequest answered ${result.status}`);
        }
      });
    const raw = () =>
      timed(async () => {
        for (let i = 0; i < perBlock; i++) {
          const res = await fetch(`${base}/api/patient/${uuids[i % uuids.length]}`, {
            headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
            agent,
          });
          await res.json();
          if (res.status !== 200) throw new Error(`raw GET answered ${res.status}`);
        }
      });
    await viaCommand(); // warm-up of both paths
    await raw();
    const figure: Figure = await measureRatio(
      { smoke },
      {
        name: `${requests} sequential GET /api/patient/:puuid, openemr.sendRequest in the host vs raw node-fetch`,
        unit: 'ms',
        goal: 1.15,
        subject: viaCommand,
        baseline: raw,
        blocks,
      },
    );
    writeFileSync(resultFile, JSON.stringify([figure]));
  } finally {
    agent.destroy();
    await removeServer(serverId);
  }
}
