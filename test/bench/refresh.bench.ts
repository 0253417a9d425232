/**
 * Refresh under load: concurrent API calls through OpenEmrClient while the access token has expired on the
 * server (the client does not know it: every call meets a 401 and asks the session to renew).
 * - expired: exactly 1 refresh request, 0 failures;
 * - rotation: the same again on the refresh token the first refresh rotated in;
 * - revoked: the refresh token is dead too: exactly 1 refresh attempt, every call fails with an explained
 *   error (message and fix), and all of them settle (no hang).
 */
import { OpenEmrError, type ApiResponse, type Connection } from '../../src/core';
import { exactly, atMost, type BenchContext, type Figure } from './figures';
import { signedInSim, type SignedIn } from './connection';

/** A call not settled by then counts as hung; the client's own time-out (30 s here) comes first. */
const HANG_MS = 60_000;

interface Round {
  refreshes: number;
  failures: number;
  /** How many failures of each kind (an explained failure is an OpenEmrError with a fix). */
  kinds: Record<string, number>;
  explained: number;
  settled: number;
  ms: number;
}

async function round(sim: SignedIn, conn: Connection, calls: number, uuid: string): Promise<Round> {
  const refreshCount = (): number => sim.ctx.sim.counters().byGrant.refresh_token ?? 0;
  const before = refreshCount();
  const t0 = performance.now();
  let settled = 0;
  const all = Promise.all(
    Array.from({ length: calls }, () =>
      conn.api.request('GET', `/api/patient/${uuid}`).then(
        (res) => {
          settled++;
          return res;
        },
        (error: unknown) => {
          settled++;
          return error;
        },
      ),
    ),
  );
  const outcomes = await Promise.race([all, new Promise<undefined>((r) => setTimeout(() => r(undefined), HANG_MS).unref())]);
  const ms = performance.now() - t0;
  const failed = (outcomes ?? []).filter((o) => !(o as ApiResponse).ok);
  const explained = failed.filter((o) => {
    const error = o instanceof Error ? o : (o as ApiResponse).error;
    return Boolean(error?.message && (error as { fix?: string }).fix);
  });
  const kinds: Record<string, number> = {};
  for (const o of failed) {
    const error = o instanceof Error ? o : (o as ApiResponse).error;
    const kind = error instanceof OpenEmrError ? error.kind : 'unexplained';
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return { refreshes: refreshCount() - before, failures: failed.length, kinds, explained: explained.length, settled, ms };
}

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const calls = ctx.smoke ? 20 : 200;
  const sim = await signedInSim(10);
  const figures: Figure[] = [];
  const report = (label: string, r: Round, expectFailures: boolean): void => {
    console.log(
      `${label}: ${r.refreshes} refresh requests, ${r.failures} failures (${r.explained} explained), ${r.settled}/${calls} settled in ${r.ms.toFixed(0)} ms`,
    );
    const kinds = Object.entries(r.kinds)
      .map(([kind, n]) => `${n} × ${kind}`)
      .join(', ');
    figures.push(
      exactly(`${label}: refresh requests for ${calls} concurrent calls`, r.refreshes, 'requests', 1),
      expectFailures
        ? exactly(`${label}: explained failures of ${calls} calls`, r.explained, 'calls', calls, { note: kinds })
        : exactly(`${label}: failures of ${calls} calls`, r.failures, 'calls', 0, kinds ? { note: kinds } : {}),
      atMost(`${label}: time until all ${calls} calls settled`, Math.round(r.ms), 'ms', 30_000, {
        met: r.settled === calls,
        note: `${r.settled} of ${calls} settled`,
      }),
    );
  };
  try {
    const uuid = (await (await sim.connect()).api.listPatients({}, { limit: 1 })).items[0]!.uuid;

    const expired = await sim.connect();
    sim.ctx.sim.expireTokens();
    report('expired on the server', await round(sim, expired, calls, uuid), false);

    const rotating = await sim.connect();
    sim.ctx.sim.expireTokens();
    await round(sim, rotating, calls, uuid);
    const rotated = rotating.session.current?.refreshToken;
    sim.ctx.sim.expireTokens();
    const second = await round(sim, rotating, calls, uuid);
    if (rotating.session.current?.refreshToken === rotated)
      throw new Error('the second refresh did not rotate the refresh token');
    report('again, on the rotated refresh token', second, false);

    const revoked = await sim.connect();
    sim.ctx.sim.revokeTokens();
    report('refresh token revoked', await round(sim, revoked, calls, uuid), true);
    return figures;
  } finally {
    await sim.close();
  }
}
