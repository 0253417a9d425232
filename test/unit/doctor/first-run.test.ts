import * as assert from 'node:assert/strict';
import { commandsNamedIn } from '../../../src/commands/errorText';
import { ClientStates } from '../../../src/doctor/clientStates';
import { serverContextValue, serverDescription, serverTooltip, summarizeScopes } from '../../../src/explorer/serverRow';
import type { ServerState } from '../../../src/explorer/source';

const DECLARED = [
  { command: 'openemr.registerClient', title: 'Register Client', category: 'OpenEMR' },
  { command: 'openemr.useExistingClient', title: 'Use Existing Client', category: 'OpenEMR' },
  { command: 'openemr.login', title: 'Sign In', category: 'OpenEMR' },
];

describe('the first run: fixes as buttons, client state on the server row', () => {
  it('finds the commands a fix names, in its order, once each', () => {
    const fix =
      'Run "OpenEMR: Register Client" (or "OpenEMR: Use Existing Client" with a client id), then "OpenEMR: Sign In"; "OpenEMR: Register Client" again.';
    assert.deepEqual(
      commandsNamedIn(fix, DECLARED).map((c) => c.command),
      ['openemr.registerClient', 'openemr.useExistingClient', 'openemr.login'],
    );
    assert.deepEqual(
      commandsNamedIn('In Administration > Config > Connectors, set "Enable OAuth2 Password Grant".', DECLARED),
      [],
    );
  });

  it('tracks whether the registered client is enabled, and forgets it for another client', () => {
    const states = new ClientStates();
    const fired: string[] = [];
    states.onDidChange(({ serverId }) => fired.push(serverId));
    assert.equal(states.get('s', undefined), 'none');
    assert.equal(states.get('s', 'c1'), 'unknown');
    states.set('s', 'c1', false);
    assert.equal(states.get('s', 'c1'), 'awaiting');
    states.set('s', 'c1', false);
    states.set('s', 'c1', true);
    assert.equal(states.get('s', 'c1'), 'ready');
    assert.equal(states.get('s', 'c2'), 'unknown', 'a new registration is checked again');
    assert.deepEqual(fired, ['s', 's'], 'a repeated answer fires nothing');
    states.signInEnded('s', { message: 'Authorization failed: invalid_request', fix: 'Correct the aud' });
    assert.equal(states.lastSignInFailure('s')?.fix, 'Correct the aud');
    states.signInEnded('s', undefined);
    assert.equal(states.lastSignInFailure('s'), undefined);
  });

  it('says on the server row where the set-up stands, and never "signed out" to a signed-in user', () => {
    const row = (state: Partial<ServerState>): ServerState => ({ status: 'signed-out', scopes: [], ...state });
    assert.equal(serverDescription(row({ client: 'none' })), 'no client');
    assert.equal(serverDescription(row({ client: 'awaiting' })), 'client awaiting approval');
    assert.equal(serverDescription(row({ client: 'ready' })), 'client ready, signed out');
    assert.equal(serverDescription(row({ status: 'signed-in', account: 'admin', client: 'ready' })), 'signed in as admin');
    assert.equal(serverContextValue(row({ client: 'awaiting' })), 'server.signedOut.awaiting');
    assert.equal(serverContextValue(row({ status: 'signed-in' })), 'server.signedIn');
  });

  it('summarises the scopes in the tooltip instead of listing them', () => {
    const scopes = [
      'openid',
      'offline_access',
      'api:oemr',
      ...Array.from({ length: 40 }, (_, i) => `user/R${i}.read`),
      ...Array.from({ length: 43 }, (_, i) => `patient/R${i}.read`),
    ];
    assert.equal(scopes.length, 86);
    assert.equal(summarizeScopes(scopes), '86 scopes: openid, offline_access, api:oemr; 40 user/, 43 patient/');
    const tooltip = serverTooltip('clinic', { status: 'signed-in', account: 'admin', scopes });
    assert.equal(tooltip.split('\n').length, 3);
    assert.doesNotMatch(tooltip, /user\/R1\.read/);
    assert.equal(summarizeScopes([]), '');
  });
});
