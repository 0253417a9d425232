/**
 * The setup doctor's report as the HTML of a read-only webview: each check with its state in words (no
 * emoji, which need a font the machine may not have) and each fix that is a command as a button. No
 * `vscode` import: the webview panel in src/commands/diagnose.ts only hosts it.
 */
import { commandsNamedIn, type DeclaredCommand } from '../commands/errorText';
import type { DoctorCheck, DoctorCheckId } from './checks';

export interface ReportAction {
  title: string;
  command: string;
}

/** Commands that fix a failed check although its fix text does not name them. */
const FIX_BY_CHECK: Partial<Record<DoctorCheckId, ReportAction[]>> = {
  client: [
    { title: 'Open API Clients page', command: 'openemr.openApiClientsPage' },
    { title: 'Check again', command: 'openemr.checkClient' },
  ],
  token: [{ title: 'Sign In', command: 'openemr.login' }],
  'first-request': [{ title: 'Sign In', command: 'openemr.login' }],
  'last-sign-in': [{ title: 'Sign In', command: 'openemr.login' }],
};

/** The buttons of a failed check: the commands its fix names first, then those its kind calls for. */
export function fixActions(check: Pick<DoctorCheck, 'id' | 'ok' | 'skipped' | 'fix'>, declared: readonly DeclaredCommand[]) {
  if (check.ok || check.skipped || !check.fix) return [];
  const named = commandsNamedIn(check.fix, declared).map((c) => ({ title: c.title, command: c.command }));
  const byCheck = named.length ? [] : (FIX_BY_CHECK[check.id] ?? []);
  return [...named, ...byCheck];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One of the report's checks, with what the page needs to show it. */
export interface ReportCheck extends Pick<DoctorCheck, 'title' | 'ok' | 'skipped' | 'message' | 'fix'> {
  actions: ReportAction[];
}

export interface ReportPage {
  serverName: string;
  checks: readonly ReportCheck[];
  /** Whether raw API answers can be opened in the JSON viewer. */
  hasAnswers: boolean;
  when: Date;
  nonce: string;
  cspSource: string;
}

/** The page; buttons post `{ check, action }` (indexes) or `{ run: 'again' | 'answers' }`. */
export function reportHtml(page: ReportPage): string {
  const failed = page.checks.filter((c) => !c.ok && !c.skipped).length;
  const rows = page.checks
    .map((c, i) => {
      const state = c.ok ? 'OK' : c.skipped ? 'Skipped' : 'Problem';
      const buttons = c.actions
        .map((a, j) => `<button data-check="${i}" data-action="${j}">${escapeHtml(a.title)}</button>`)
        .join('');
      return `<section class="check ${state.toLowerCase()}"><h2><span class="state">${state}</span> ${i + 1}. ${escapeHtml(c.title)}</h2>
<p>${escapeHtml(c.message)}</p>${c.fix ? `<p><b>Fix:</b> ${escapeHtml(c.fix)}</p>` : ''}${buttons ? `<p class="actions">${buttons}</p>` : ''}</section>`;
    })
    .join('\n');
  const csp = `default-src 'none'; style-src ${page.cspSource} 'nonce-${page.nonce}'; script-src 'nonce-${page.nonce}';`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<title>OpenEMR setup doctor</title><style nonce="${page.nonce}">
body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 1rem 2rem;max-width:60rem}
h2{font-size:1.05em;margin:1.2rem 0 .3rem}.state{display:inline-block;min-width:4.5rem;padding:0 .4rem;margin-right:.4rem;border-radius:3px;font-size:.85em;text-align:center;border:1px solid currentColor}
.ok .state{color:var(--vscode-testing-iconPassed,green)}.problem .state{color:var(--vscode-errorForeground,red)}.skipped .state{color:var(--vscode-descriptionForeground,gray)}
button{background:var(--vscode-button-background);color:var(--vscode-button-foreground);border:none;padding:.3rem .8rem;margin-right:.5rem;cursor:pointer}
button.secondary{background:var(--vscode-button-secondaryBackground);color:var(--vscode-button-secondaryForeground)}
</style></head><body><h1>OpenEMR setup doctor: ${escapeHtml(page.serverName)}</h1>
<p>${escapeHtml(page.when.toISOString())} · ${failed ? `${failed} problem(s) found` : 'everything checked is fine'}</p>
<p><button class="secondary" data-run="again">Run again</button>${page.hasAnswers ? '<button class="secondary" data-run="answers">Open Raw Answers</button>' : ''}</p>
${rows}
<script nonce="${page.nonce}">const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => { const b = e.target.closest('button'); if (!b) return;
vscode.postMessage(b.dataset.run ? { run: b.dataset.run } : { check: Number(b.dataset.check), action: Number(b.dataset.action) }); });</script>
</body></html>`;
}
