// The hostile server against the editor's public commands: every case through the request runner, the JSON
// viewer, the tree loading a group, sign-in, registration and adding a server. Each command must end within
// its time-out with a result or an error that says what happened, with no unhandled rejection, and the next
// normal command must work. Progress notifications belong to these commands, so a settled command has
// closed its progress.
import * as assert from 'node:assert/strict';
import { HOSTILE_CASES, type Driver, type HostileCase } from '../hostile/cases';
import { hostileLine, judge, type Outcome } from '../hostile/judge';
import { startHostileServer, type HostileServer } from '../hostile/server';
import { activateExtension, closeAllEditors, executeCommand, simUrl } from './helpers';
import { errorOfRows, HARDENING_SCOPES, loadGroup, report, signedInServer, signInAdmin, timed } from './hardening-support';

/** The client's default time-out (the viewer and the tree use it) and the request runner's, set per call. */
const DEFAULT_TIMEOUT_MS = 30_000;
const SEND_TIMEOUT_MS = 5_000;
const SLACK_MS = 5_000;

interface SendResult {
  status: number;
}
interface ViewerResult {
  rendered?: { parseError?: string };
}

describe('hostile server (commands in the extension host)', function () {
  this.timeout(180_000);
  let hostile: HostileServer;
  let serverId: string;
  let registrationServerId: string;
  let held = 0;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  before(async () => {
    await activateExtension();
    process.on('unhandledRejection', onUnhandled);
    hostile = await startHostileServer(simUrl());
    serverId = await signedInServer('Hostile', hostile.url, HARDENING_SCOPES);
    ({ serverId: registrationServerId } = await executeCommand<{ serverId: string }>('openemr.addServer', {
      baseUrl: hostile.url,
      name: 'Hostile registration',
    }));
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    report(hostileLine(HOSTILE_CASES.length, held));
    await closeAllEditors();
    for (const id of [serverId, registrationServerId]) if (id) await executeCommand('openemr.removeServer', { serverId: id });
    await hostile?.close();
  });

  const treePath = (c: HostileCase): string[] => (c.path?.startsWith('/fhir') ? ['FHIR', 'Organization'] : ['Patients']);

  function drive(c: HostileCase, driver: Driver): Promise<Outcome>[] {
    const path = c.path ?? '/api/patient';
    switch (driver) {
      case 'request':
        return [
          timed('sendRequest', () =>
            executeCommand<SendResult>('openemr.sendRequest', { serverId, method: 'GET', path, timeoutMs: SEND_TIMEOUT_MS }),
          ).then((o) => ({ ...o, shownStatus: (o.result as SendResult | undefined)?.status })),
          timed(
            'viewer',
            () => executeCommand<ViewerResult>('openemr.openInViewer', { serverId, path }),
            (r) => (r.rendered ? undefined : 'the viewer did not draw the answer'),
          ).then((o) => ({ ...o, showsAnswers: true })),
          timed('tree', () => loadGroup(serverId, treePath(c)), errorOfRows),
        ];
      case 'signIn':
        return [timed('sign-in', () => signInAdmin(serverId, HARDENING_SCOPES))];
      case 'register':
        return [
          timed('register', () =>
            executeCommand('openemr.registerClient', {
              serverId: registrationServerId,
              applicationType: 'private',
              scopes: HARDENING_SCOPES,
            }),
          ),
        ];
      case 'post':
        return [
          timed('sendRequest POST', () =>
            executeCommand<SendResult>('openemr.sendRequest', {
              serverId,
              method: 'POST',
              path: '/api/patient',
              body: { fname: 'Hostile', lname: 'Case', DOB: '1990-01-01', sex: 'Female' },
              timeoutMs: SEND_TIMEOUT_MS,
            }),
          ).then((o) => ({ ...o, shownStatus: (o.result as SendResult | undefined)?.status })),
        ];
      case 'addServer':
        return [
          timed('addServer', async () => {
            const added = await executeCommand<{ serverId: string; probe: { reachable: boolean } }>('openemr.addServer', {
              baseUrl: hostile.url,
              name: 'Hostile probe',
            });
            await executeCommand('openemr.removeServer', { serverId: added.serverId });
            return added;
          }),
        ];
    }
  }

  for (const c of HOSTILE_CASES) {
    it(`holds: ${c.group}: ${c.name}`, async () => {
      await hostile.arm(c);
      let outcomes: Outcome[];
      try {
        outcomes = await Promise.all(c.drivers.flatMap((d) => drive(c, d)));
      } finally {
        await hostile.arm(undefined);
      }
      const problems = outcomes.flatMap((o) =>
        judge(c, o, (o.via.startsWith('sendRequest') ? SEND_TIMEOUT_MS : DEFAULT_TIMEOUT_MS) + SLACK_MS),
      );
      const leaked = hostile.seenElsewhere.filter((r) => r.authorization || r.grantType);
      if (leaked.length) problems.push(`credentials reached the other origin: ${leaked.map((r) => r.path).join(', ')}`);
      if (c.name.startsWith('a discovery') && hostile.seenElsewhere.length)
        problems.push(`requests went to the advertised host: ${hostile.seenElsewhere.map((r) => r.path).join(', ')}`);
      const refreshes = hostile.seen.filter((r) => r.grantType === 'refresh_token').length;
      const requests = outcomes.filter((o) => ['sendRequest', 'viewer', 'tree'].includes(o.via)).length;
      if (refreshes > requests) problems.push(`${refreshes} refreshes for ${requests} requests`);
      if (unhandled.length) problems.push(`unhandled rejections: ${unhandled.map(String).join('; ')}`);
      assert.deepEqual(problems, []);

      // The next normal commands work.
      if (c.drivers.includes('signIn')) await signInAdmin(serverId, HARDENING_SCOPES);
      const sent = await executeCommand<SendResult>('openemr.sendRequest', { serverId, method: 'GET', path: '/api/patient' });
      assert.equal(sent.status, 200);
      const patients = await loadGroup(serverId, ['Patients']);
      assert.ok(patients.length > 0 && !errorOfRows(patients), 'the tree lists patients again');
      const viewed = await executeCommand<ViewerResult>('openemr.openInViewer', { serverId, path: '/api/patient' });
      assert.ok(viewed.rendered && !viewed.rendered.parseError, 'the viewer draws the next answer');
      await closeAllEditors();
      held++;
    });
  }
});
