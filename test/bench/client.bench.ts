/**
 * Client overhead: sequential GET /api/patient/:puuid through OpenEmrClient (token session, 401 rule, envelope,
 * redacted log line) against raw node-fetch with the same token on a keep-alive agent, interleaved in one run.
 */
import http from 'node:http';
import fetch from 'node-fetch';
import { serverUrls } from '../../src/core';
import { measureRatio, timed, type BenchContext, type Figure } from './figures';
import { signedInSim } from './connection';

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const requests = ctx.smoke ? 20 : 1000;
  const blocks = ctx.smoke ? 2 : 50;
  const perBlock = requests / blocks;
  const sim = await signedInSim(ctx.smoke ? 10 : 200);
  const agent = new http.Agent({ keepAlive: true });
  try {
    const conn = await sim.connect();
    const uuids = (await conn.api.listPatients({}, { limit: 50 })).items.map((p) => p.uuid);
    const token = await conn.session.getAccessToken();
    const apis = serverUrls(sim.ctx.server).apis;

    const viaClient = () =>
      timed(async () => {
        for (let i = 0; i < perBlock; i++) {
          const patient = await conn.api.getPatient(uuids[i % uuids.length]!);
          if (patient.uuid !== uuids[i % uuids.length]) throw new Error('client read the wrong patient');
        }
      });
    const raw = () =>
      timed(async () => {
        for (let i = 0; i < perBlock; i++) {
          const res = await fetch(`${apis}/api/patient/${uuids[i % uuids.length]}`, {
            headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
            agent,
          });
          const body = (await res.json()) as { data?: { uuid?: string } };
          if (res.status !== 200 || body.data?.uuid !== uuids[i % uuids.length])
            throw new Error(`raw GET answered ${res.status}`);
        }
      });
    await viaClient(); // warm-up of both paths
    await raw();
    const figure = await measureRatio(ctx, {
      name: `${requests} sequential GET /api/patient/:puuid, OpenEmrClient vs raw node-fetch`,
      unit: 'ms',
      goal: 1.1,
      subject: viaClient,
      baseline: raw,
      blocks,
    });
    console.log(`client ${figure.value.toFixed(0)} ms, raw ${figure.baseline!.toFixed(0)} ms, ratio ${figure.ratio!.toFixed(3)}`);
    return [figure];
  } finally {
    agent.destroy();
    await sim.close();
  }
}
