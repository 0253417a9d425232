/** The server profiles, kept in the user setting `openemr.servers` (readable and editable in settings.json). */
import * as vscode from 'vscode';
import type { NewServerProfile, ServerProfile, ServersChange, ServerStore } from '../services';
import { createProfile, parseProfiles } from './profileModel';

const SECTION = 'openemr';
const KEY = 'servers';

/** What changed between two lists, by id. */
export function diffProfiles(before: readonly ServerProfile[], after: readonly ServerProfile[]): ServersChange[] {
  const old = new Map(before.map((p) => [p.id, JSON.stringify(p)]));
  const changes: ServersChange[] = [];
  for (const p of after) {
    const previous = old.get(p.id);
    if (previous === undefined) changes.push({ kind: 'added', serverId: p.id });
    else if (previous !== JSON.stringify(p)) changes.push({ kind: 'changed', serverId: p.id });
    old.delete(p.id);
  }
  for (const id of old.keys()) changes.push({ kind: 'removed', serverId: id });
  return changes;
}

export class SettingsServerStore implements ServerStore, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ServersChange>();
  readonly onDidChange = this.emitter.event;
  private profiles: ServerProfile[];
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.profiles = this.read();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.${KEY}`)) this.reload();
    });
  }

  list(): readonly ServerProfile[] {
    return this.profiles;
  }

  get(serverId: string): ServerProfile | undefined {
    return this.profiles.find((p) => p.id === serverId);
  }

  require(serverId: string): ServerProfile {
    const profile = this.get(serverId);
    if (!profile) throw new Error(`No OpenEMR server with id "${serverId}" (see the openemr.servers setting)`);
    return profile;
  }

  async add(input: NewServerProfile): Promise<ServerProfile> {
    const profile = createProfile(
      input,
      this.profiles.map((p) => p.id),
    );
    await this.write([...this.profiles, profile]);
    return profile;
  }

  async update(serverId: string, patch: Partial<Omit<ServerProfile, 'id'>>): Promise<ServerProfile> {
    const current = this.require(serverId);
    const next = parseProfiles([{ ...current, ...patch, id: serverId }])[0];
    if (!next) throw new TypeError(`Not a valid server URL: ${patch.baseUrl ?? current.baseUrl}`);
    await this.write(this.profiles.map((p) => (p.id === serverId ? next : p)));
    return next;
  }

  async remove(serverId: string): Promise<void> {
    this.require(serverId);
    await this.write(this.profiles.filter((p) => p.id !== serverId));
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  private read(): ServerProfile[] {
    return parseProfiles(vscode.workspace.getConfiguration(SECTION).get<unknown>(KEY));
  }

  private reload(): void {
    const next = this.read();
    const changes = diffProfiles(this.profiles, next);
    this.profiles = next;
    for (const change of changes) this.emitter.fire(change);
  }

  /** Writes the user (global) setting and applies it at once, without waiting for the change event. */
  private async write(next: ServerProfile[]): Promise<void> {
    await vscode.workspace.getConfiguration(SECTION).update(KEY, next, vscode.ConfigurationTarget.Global);
    this.reload();
    const changes = diffProfiles(this.profiles, next);
    if (changes.length) {
      this.profiles = next;
      for (const change of changes) this.emitter.fire(change);
    }
  }
}
