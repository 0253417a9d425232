/**
 * The walkthrough's ticks follow the real set-up: context keys `openemr.setup.*` (a server exists, a client
 * is registered, a client is enabled, signed in, a patient opened) that its steps complete on.
 */
import * as vscode from 'vscode';
import type { ExplorerNode } from '../explorer/nodes/base';
import { PatientNode } from '../explorer/nodes/patientNode';
import type { Services } from '../services';

const PATIENT_OPENED = 'openemr.setup.patientOpened';

export interface SetupState {
  hasServer: boolean;
  hasClient: boolean;
  clientEnabled: boolean;
  signedIn: boolean;
}

/** What the services say now. A signed-in server proves its client is enabled. */
export function setupStateOf(services: Services): SetupState {
  const profiles = services.servers.list();
  const signedIn = profiles.some((p) => services.tokens.state(p.id).signedIn);
  return {
    hasServer: profiles.length > 0,
    hasClient: profiles.some((p) => p.clientId),
    clientEnabled: signedIn || profiles.some((p) => services.clients.get(p.id, p.clientId) === 'ready'),
    signedIn,
  };
}

/**
 * Keeps the context keys in step with the services. A patient counts as opened once the Servers tree
 * expands one; that one is remembered across windows.
 */
export function registerSetupState(
  context: vscode.ExtensionContext,
  services: Services,
  view: vscode.TreeView<ExplorerNode>,
): void {
  const update = (): void => {
    for (const [key, value] of Object.entries(setupStateOf(services)))
      void vscode.commands.executeCommand('setContext', `openemr.setup.${key}`, value);
  };
  const patientOpened = (): void => {
    void context.globalState.update(PATIENT_OPENED, true);
    void vscode.commands.executeCommand('setContext', PATIENT_OPENED, true);
  };
  if (context.globalState.get<boolean>(PATIENT_OPENED)) patientOpened();
  context.subscriptions.push(
    services.servers.onDidChange(update),
    services.tokens.onDidChange(update),
    services.clients.onDidChange(update),
    view.onDidExpandElement(({ element }) => {
      if (element instanceof PatientNode) patientOpened();
    }),
  );
  update();
}
