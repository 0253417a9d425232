/**
 * What the extension last learned about each server's OAuth client: enabled, or registered but waiting for
 * an administrator. Kept in memory (a fresh window checks again); the server row and the walkthrough show it.
 * No `vscode` import.
 */
import { Emitter, type Event } from '../core';

/** `none`: no client registered; `awaiting`: registered but disabled; `ready`: enabled; `unknown`: not checked yet. */
export type ClientState = 'none' | 'awaiting' | 'ready' | 'unknown';

export class ClientStates {
  private readonly known = new Map<string, { clientId: string; enabled: boolean }>();
  private readonly signInFailures = new Map<string, { message: string; fix: string }>();
  private readonly changes = new Emitter<{ serverId: string }>();
  readonly onDidChange: Event<{ serverId: string }> = this.changes.event;

  /** Records a check's answer for the client registered now (`'unknown'` forgets the last answer). */
  set(serverId: string, clientId: string, enabled: boolean | 'unknown'): void {
    const before = this.known.get(serverId);
    if (enabled === 'unknown') this.known.delete(serverId);
    else this.known.set(serverId, { clientId, enabled });
    if (before?.clientId !== clientId || before?.enabled !== enabled) this.changes.fire({ serverId });
  }

  /** The state of `clientId` (the profile's client, undefined when none is registered). */
  get(serverId: string, clientId: string | undefined): ClientState {
    if (!clientId) return 'none';
    const known = this.known.get(serverId);
    if (!known || known.clientId !== clientId) return 'unknown';
    return known.enabled ? 'ready' : 'awaiting';
  }

  /** Remembers why the last sign-in failed (undefined after a success), for the setup doctor. */
  signInEnded(serverId: string, failure: { message: string; fix: string } | undefined): void {
    if (failure) this.signInFailures.set(serverId, failure);
    else this.signInFailures.delete(serverId);
  }

  lastSignInFailure(serverId: string): { message: string; fix: string } | undefined {
    return this.signInFailures.get(serverId);
  }

  dispose(): void {
    this.changes.dispose();
  }
}

/** The server row's words for a server that is not signed in. */
export function clientStateLabel(state: ClientState): string {
  switch (state) {
    case 'none':
      return 'no client';
    case 'awaiting':
      return 'client awaiting approval';
    case 'ready':
      return 'client ready, signed out';
    case 'unknown':
      return 'signed out';
  }
}
