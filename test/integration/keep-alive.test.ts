// Connections in the real extension host: with http.proxySupport at its default (`override`), VS Code's proxy
// agent takes the place of the agent a request names and has no keep-alive of its own, so Node sends
// `Connection: close` and every request opens a new connection (a TLS handshake against HTTPS). The client
// says `Connection: keep-alive` itself: the request still goes through the proxy agent (the user's proxy
// settings apply) and a direct connection is reused. Counted here with net.Socket#connect.
import * as assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import fetch from 'node-fetch';
import * as vscode from 'vscode';
import type { SendRequestResult } from '../../src/core/requests/send';
import { activateExtension, executeCommand, simUrl } from './helpers';
import { removeServer, signedInServer, tokenOf } from './requests-support';

const REQUESTS = 20;

/** How many TCP connections this process opens while `task` runs. */
async function connectionsDuring(task: () => Promise<void>): Promise<number> {
  const proto = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const original = proto.connect;
  let count = 0;
  proto.connect = function (this: net.Socket, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await task();
  } finally {
    proto.connect = original;
  }
  return count;
}

describe('keep-alive in the extension host', function () {
  this.timeout(120_000);
  let serverId: string | undefined;
  let uuids: string[];

  before(async () => {
    await activateExtension();
    serverId = await signedInServer('Keep-alive sim');
    const list = await executeCommand<SendRequestResult>('openemr.sendRequest', {
      serverId,
      method: 'GET',
      path: '/api/patient',
      query: { _limit: 5 },
    });
    uuids = (list.body as { data: Array<{ uuid: string }> }).data.map((p) => p.uuid);
  });
  after(() => removeServer(serverId));

  it(`sends ${REQUESTS} GETs through openemr.sendRequest on one connection, with the proxy agent in place`, async () => {
    assert.equal(vscode.workspace.getConfiguration('http').get('proxySupport'), 'override');
    const ours = await connectionsDuring(async () => {
      for (let i = 0; i < REQUESTS; i++) {
        const result = await executeCommand<SendRequestResult>('openemr.sendRequest', {
          serverId,
          method: 'GET',
          path: `/api/patient/${uuids[i % uuids.length]}`,
        });
        assert.equal(result.status, 200);
      }
    });
    // At most one new socket (the one kept from `before` may have been closed by the server meanwhile).
    assert.ok(ours <= 1, `${ours} connections for ${REQUESTS} requests`);

    // The same GETs with a keep-alive agent and no header: the proxy agent drops the keep-alive.
    const token = await tokenOf(serverId!);
    const agent = new http.Agent({ keepAlive: true });
    try {
      const raw = await connectionsDuring(async () => {
        for (let i = 0; i < REQUESTS; i++) {
          const res = await fetch(`${simUrl()}/apis/default/api/patient/${uuids[i % uuids.length]}`, {
            headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
            agent,
          });
          await res.text();
        }
      });
      assert.ok(raw > ours, `without the header: ${raw} connections for ${REQUESTS} requests (ours: ${ours})`);
    } finally {
      agent.destroy();
    }
  });
});
