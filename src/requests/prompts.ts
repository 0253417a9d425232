/** Prompts of the request runner: a value with suggestions (typed text accepted too). */
import * as vscode from 'vscode';
import { Cancelled } from '../commands/commandSupport';

export interface Suggestion {
  value: string;
  /** Where the value comes from (`selected patient`, `last used`). */
  source: string;
}

/** A quick pick that offers suggestions and accepts whatever is typed; rejects with Cancelled on Escape. */
export function pickValue(title: string, placeholder: string, suggestions: Suggestion[], allowEmpty = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
    const unique = suggestions.filter((s, i) => s.value && suggestions.findIndex((t) => t.value === s.value) === i);
    const base = unique.map((s) => ({ label: s.value, description: s.source }));
    pick.title = title;
    pick.placeholder = placeholder;
    pick.items = base;
    pick.ignoreFocusOut = true;
    pick.onDidChangeValue((typed) => {
      pick.items = typed && !base.some((i) => i.label === typed) ? [{ label: typed, description: 'typed' }, ...base] : base;
    });
    let done = false;
    pick.onDidAccept(() => {
      const value = pick.selectedItems[0]?.label ?? pick.value;
      if (!value && !allowEmpty) return;
      done = true;
      pick.hide();
      resolve(value);
    });
    pick.onDidHide(() => {
      pick.dispose();
      if (!done) reject(new Cancelled());
    });
    pick.show();
  });
}
