/**
 * /interface/smart/admin-client.php: OpenEMR's API client list, with Enable and Disable buttons. The forms
 * post back to the page's own address (no action), so the page works behind a proxy prefix too.
 */
import { escapeHtml, parseForm } from './http.js';
import { reply, type Reply } from './reply.js';
import type { RequestContext } from './router.js';
import type { ClientRecord, SimState } from './state.js';

export const ADMIN_PATH = '/interface/smart/admin-client.php';

export function setClientEnabled(state: SimState, clientId: string, enabled: boolean): boolean {
  const client = state.clients.get(clientId);
  if (!client) return false;
  client.enabled = enabled;
  if (!enabled) state.tokens.revokeClient(clientId);
  state.persist();
  return true;
}

function row(c: ClientRecord): string {
  const name = typeof c.metadata.client_name === 'string' ? c.metadata.client_name : '(unnamed)';
  const action = c.enabled ? 'disable' : 'enable';
  return `<tr><td>${escapeHtml(name)}</td><td><code>${escapeHtml(c.client_id)}</code></td><td>${c.isPublic ? 'public' : 'confidential'}</td>
<td>${escapeHtml(c.scopes.join(' '))}</td><td>${c.enabled ? 'Enabled' : 'Disabled'}</td>
<td><form method="post"><input type="hidden" name="client_id" value="${escapeHtml(c.client_id)}"><input type="hidden" name="action" value="${action}">
<button type="submit">${c.enabled ? 'Disable' : 'Enable'}</button></form></td></tr>`;
}

function page(state: SimState, notice?: string): string {
  const rows = [...state.clients.values()].map(row).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API Clients</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top}code{font-size:.8em}</style></head>
<body><h1>Admin &gt; System &gt; API Clients</h1>${notice ? `<p role="status">${escapeHtml(notice)}</p>` : ''}
<table><thead><tr><th>Name</th><th>Client ID</th><th>Type</th><th>Scopes</th><th>Status</th><th></th></tr></thead>
<tbody>${rows || '<tr><td colspan="6">No clients registered.</td></tr>'}</tbody></table></body></html>`;
}

export function adminPage(ctx: RequestContext): Reply {
  if (ctx.method === 'GET') return reply.html(200, page(ctx.state));
  const form = parseForm(ctx.body);
  const enabled = form.action === 'enable';
  if ((form.action !== 'enable' && form.action !== 'disable') || !setClientEnabled(ctx.state, form.client_id ?? '', enabled)) {
    return reply.html(400, page(ctx.state, 'Unknown client or action.'));
  }
  return reply.html(200, page(ctx.state, `Client ${enabled ? 'enabled' : 'disabled'}.`));
}
