/** --data-file: the journal of writes, clients, globals, tokens and the signing key, rewritten after each change. */
import type { JWK } from 'jose';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { JournalEntry } from './data/store.js';
import type { ClientRecord, Globals, SimState } from './state.js';
import type { TokenSnapshot } from './tokens.js';

interface SavedState {
  format: 1;
  seed: number;
  patients: number;
  key: JWK;
  globals: Globals;
  clients: ClientRecord[];
  journal: JournalEntry[];
  tokens: TokenSnapshot;
}

/** The saved signing key, so tokens issued before a restart still verify. */
export function savedKey(file: string | undefined): JWK | undefined {
  if (!file || !existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as SavedState).key;
}

export function loadInto(state: SimState, file: string): void {
  if (!existsSync(file)) return;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
  if (saved.seed !== state.options.seed || saved.patients !== state.options.patients) {
    throw new Error(
      `${file} was written with --seed ${saved.seed} --patients ${saved.patients}; start with those or use another file`,
    );
  }
  state.globals = saved.globals;
  for (const c of saved.clients) state.clients.set(c.client_id, c);
  for (const entry of saved.journal) state.data.apply(entry, false);
  state.data.journal.push(...saved.journal);
  state.tokens.restore(saved.tokens);
}

/** Writes through a temporary file so a crash never leaves half a file. */
export function saver(state: SimState, file: string): () => void {
  return () => {
    const body: SavedState = {
      format: 1,
      seed: state.options.seed,
      patients: state.options.patients,
      key: state.key.privateJwk,
      globals: state.globals,
      clients: [...state.clients.values()],
      journal: state.data.journal,
      tokens: state.tokens.snapshot(),
    };
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(body));
    renameSync(tmp, file);
  };
}
