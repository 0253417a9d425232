// Entry the extension host loads as extensionTestsPath for the host benchmark (bundled to dist-test/bench/host.js):
// signs in to the simulator through the commands, then times sequential GET /api/patient/:puuid through
// openemr.sendRequest against raw node-fetch with the same token, interleaved, then the floor of any command (a
// no-op command before each raw GET), and writes the figures to OPENEMR_BENCH_RESULT_FILE. With
// OPENEMR_BENCH_PROFILE (a directory) it first writes CPU profiles of the host and the calls it sends the workbench.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector';
import path from 'node:path';
import zlib from 'node:zlib';
import fetch from 'node-fetch';
import * as vscode from 'vscode';
import type { SendRequestResult } from '../../../src/core/requests/send';
import type { RequestsApi } from '../../../src/requests/register';
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
    const extension = await activateExtension();
    const api = (extension.exports as { requests: RequestsApi }).requests;
    serverId = await signedInServer('Bench sim');
    const send = (args: Record<string, unknown>) =>
      executeCommand<SendRequestResult>('openemr.sendRequest', { serverId, ...args });
    const list = await send({ method: 'GET', path: '/api/patient', query: { _limit: 50 } });
    const uuids = (list.body as { data: Array<{ uuid: string }> }).data.map((p) => p.uuid);
    const token = await tokenOf(serverId);
    const base = `${simUrl()}/apis/default`;
    const perBlock = requests / blocks;
    // The raw side keeps its connections too (the header the client sends; without it VS Code's proxy agent
    // opens a connection per request, see test/integration/keep-alive.test.ts): both sides on kept sockets.
    const rawHeaders = { Accept: 'application/json', Authorization: `Bearer ${token}`, Connection: 'keep-alive' };
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
            headers: rawHeaders,
            agent,
          });
          await res.json();
          if (res.status !== 200) throw new Error(`raw GET answered ${res.status}`);
        }
      });
    await viaCommand(); // warm-up of both paths
    await raw();
    const profileDir = process.env.OPENEMR_BENCH_PROFILE;
    if (profileDir) {
      // The calls the host sends the workbench during one block of each path.
      for (const [name, path_] of [
        ['command', viaCommand],
        ['raw', raw],
      ] as const)
        writeFileSync(path.join(profileDir, `host-${name}-rpc.json`), JSON.stringify(await rpcCalls(path_)));
      // CPU profiles of the extension host: the command path, then the raw path, 10 blocks each.
      for (const [name, path_] of [
        ['command', viaCommand],
        ['raw', raw],
      ] as const)
        writeFileSync(path.join(profileDir, `host-${name}.cpuprofile`), JSON.stringify(await profiled(path_, 10)));
    }
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
    // The same requests through the extension's exported API: the command's work without executeCommand.
    const viaApi = () =>
      timed(async () => {
        for (let i = 0; i < perBlock; i++) {
          const result = await api.sendRequest({ serverId, method: 'GET', path: `/api/patient/${uuids[i % uuids.length]}` });
          if (result.status !== 200) throw new Error(`sendRequest answered ${result.status}`);
        }
      });
    await viaApi();
    const apiFigure: Figure = await measureRatio(
      { smoke },
      {
        name: `${requests} sequential GET /api/patient/:puuid, the exported requests.sendRequest in the host vs raw node-fetch`,
        unit: 'ms',
        goal: 1.15,
        subject: viaApi,
        baseline: raw,
        blocks,
      },
    );
    // The floor of any command: the same raw GET preceded by executeCommand of a command that does nothing.
    // VS Code sends the workbench two messages per call (the command's activation event and its telemetry).
    const noop = vscode.commands.registerCommand('openemrBench.noop', (arg: unknown) => arg);
    let floor: Figure;
    try {
      const viaNoop = () =>
        timed(async () => {
          for (let i = 0; i < perBlock; i++) {
            await vscode.commands.executeCommand('openemrBench.noop', { serverId, method: 'GET' });
            const res = await fetch(`${base}/api/patient/${uuids[i % uuids.length]}`, {
              headers: rawHeaders,
              agent,
            });
            await res.json();
          }
        });
      await viaNoop();
      floor = await measureRatio(
        { smoke },
        {
          name: `${requests} sequential raw GETs each after executeCommand of a command that does nothing, vs raw node-fetch (the floor of a command)`,
          unit: 'ms',
          subject: viaNoop,
          baseline: raw,
          blocks,
        },
      );
    } finally {
      noop.dispose();
    }
    writeFileSync(resultFile, JSON.stringify([figure, apiFigure, floor]));
  } finally {
    agent.destroy();
    await removeServer(serverId);
  }
}

/** A CPU profile of `times` runs of `task` in this process (the extension host). */
async function profiled(task: () => Promise<unknown>, times: number): Promise<object> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  for (let i = 0; i < times; i++) await task();
  const { profile } = (await post('Profiler.stop')) as { profile: object };
  session.disconnect();
  return profile;
}

/**
 * The calls the extension host sends to the workbench while `task` runs, by name and count: the host's
 * messages go through a deflate stream (code-server's web socket), whose input holds each call's name.
 */
async function rpcCalls(task: () => Promise<unknown>): Promise<Record<string, number>> {
  const calls: Record<string, number> = { messages: 0, bytes: 0 };
  const proto = (zlib as unknown as { DeflateRaw: { prototype: unknown } }).DeflateRaw.prototype as {
    write: (chunk: unknown, ...rest: unknown[]) => boolean;
  };
  const original = proto.write;
  proto.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    if (Buffer.isBuffer(chunk)) {
      calls.messages!++;
      calls.bytes! += chunk.length;
      for (const m of chunk.toString('latin1').matchAll(/\$[A-Za-z]+/g)) calls[m[0]] = (calls[m[0]] ?? 0) + 1;
    }
    return original.call(this, chunk, ...rest);
  };
  try {
    await task();
    await new Promise((r) => setTimeout(r, 600)); // batched redraws land after the task
  } finally {
    proto.write = original;
  }
  return calls;
}
