/** Registers the sign-in layer: its commands, the `openemr` AuthenticationProvider and the status bar. */
import * as vscode from 'vscode';
import { registerClientCommands } from '../commands/registerClient';
import { registerDiagnoseCommand } from '../commands/diagnose';
import { registerServerCommands, seedServerFromEnvironment } from '../commands/servers';
import { registerSignInCommands } from '../commands/signIn';
import { AUTH_PROVIDER_ID, OpenEmrAuthenticationProvider } from './authProvider';
import type { AuthServices } from './createServices';
import type { OpenUrl } from './browser';
import { SignInStatusBar } from './statusBar';
import { createTestHooks, type TestHooks } from './testHooks';

/** What the extension exports for automation (integration tests): no user-facing command. */
export interface SignInApi {
  /** Replaces the system browser for the sign-in and admin pages (undefined restores it). */
  replaceBrowser(open: OpenUrl | undefined): void;
  /** Only while VS Code runs the extension's tests (ExtensionMode.Test). */
  testing?: TestHooks;
}

export function registerSignIn(context: vscode.ExtensionContext, services: AuthServices): SignInApi {
  registerServerCommands(context, services);
  registerClientCommands(context, services);
  registerSignInCommands(context, services);
  registerDiagnoseCommand(context, services);
  const provider = new OpenEmrAuthenticationProvider(services.servers, services.tokens);
  const statusBar = new SignInStatusBar(services.servers, services.tokens);
  context.subscriptions.push(
    provider,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'OpenEMR', provider, {
      supportsMultipleAccounts: true,
    }),
    statusBar,
  );
  void seedServerFromEnvironment(services)
    .catch((err: unknown) => services.log.warn(`seeding the server profile failed: ${String(err)}`))
    .then(() => services.tokens.loadAll());
  const testing =
    context.extensionMode === vscode.ExtensionMode.Test ? createTestHooks(context, services, statusBar, provider) : undefined;
  return { replaceBrowser: (open) => services.browser.replace(open), testing };
}
