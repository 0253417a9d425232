import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    authentication: Array<{ id: string; label: string }>;
    walkthroughs: Array<{
      id: string;
      steps: Array<{ id: string; title: string; description: string; media: { markdown?: string } }>;
    }>;
    views?: Record<string, Array<{ id: string }>>;
  };
}

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const commands = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
const SIGN_IN_COMMANDS = [
  'openemr.addServer',
  'openemr.editServer',
  'openemr.renameServer',
  'openemr.removeServer',
  'openemr.registerClient',
  'openemr.useExistingClient',
  'openemr.checkClient',
  'openemr.openApiClientsPage',
  'openemr.login',
  'openemr.logout',
  'openemr.diagnose',
  'openemr.showToken',
  'openemr.copyAccessToken',
  'openemr.accountMenu',
];

/** The commands a walkthrough step's buttons run (`[label](command:id)` links). */
function buttons(description: string): string[] {
  return [...description.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]!);
}

describe('sign-in contributions (package.json)', () => {
  it('contributes every sign-in command in the OpenEMR category', () => {
    for (const id of SIGN_IN_COMMANDS)
      assert.equal(commands.get(id)?.category, 'OpenEMR', `${id} is contributed in category OpenEMR`);
  });

  it('contributes the openemr authentication provider', () => {
    assert.deepEqual(
      manifest.contributes.authentication.map((a) => a.id),
      ['openemr'],
    );
  });

  it('has a walkthrough that follows the real set-up, each step with a button that runs its command', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.ok(walkthrough);
    const steps = walkthrough.steps.map((s) => ({ id: s.id, buttons: buttons(s.description) }));
    assert.deepEqual(steps, [
      { id: 'enableApis', buttons: ['openemr.diagnose'] },
      { id: 'addServer', buttons: ['openemr.addServer'] },
      { id: 'registerClient', buttons: ['openemr.registerClient'] },
      { id: 'enableClient', buttons: ['openemr.openApiClientsPage', 'openemr.checkClient'] },
      { id: 'signIn', buttons: ['openemr.login'] },
      { id: 'browse', buttons: ['openemr.explorer.focus'] },
    ]);
    assert.match(walkthrough.steps[0]!.description, /Administration > Config > Connectors/);
    assert.match(walkthrough.steps[3]!.description, /Administration > System > API Clients/);
    const views = Object.values(manifest.contributes.views ?? {})
      .flat()
      .map((v) => v.id);
    for (const step of steps) {
      for (const id of step.buttons) {
        // `<view>.focus` is made by VS Code for every contributed view.
        assert.ok(commands.has(id) || views.includes(id.replace(/\.focus$/, '')), `${step.id}: ${id} exists`);
      }
    }
    for (const step of walkthrough.steps) readFileSync(path.join(root, step.media.markdown!), 'utf8');
  });
});
