/** The HTML of the authorize flow: a login form (users or patient) and a consent form. Plain form POSTs. */
import { escapeHtml } from '../http.js';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222}
fieldset{border:1px solid #ccc;padding:1rem;margin:1rem 0}label{display:block;margin:.5rem 0}input[type=text],input[type=password],input[type=email]{width:100%;padding:.4rem}
.error{color:#b00020}.note{color:#555;font-size:.9em}button{padding:.5rem 1.2rem;margin-right:.5rem}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function loginPage(action: string, auth: string, clientName: string, error?: string): string {
  return page(
    'OpenEMR Login',
    `<h1>OpenEMR</h1><p>Sign in to authorize <strong>${escapeHtml(clientName)}</strong>.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="auth" value="${escapeHtml(auth)}">
<fieldset><legend>Sign in as</legend>
<label><input type="radio" name="user_role" value="users" checked> OpenEMR user</label>
<label><input type="radio" name="user_role" value="patient"> Patient (portal)</label></fieldset>
<label>Username <input type="text" name="username" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<label>Email (patients only) <input type="email" name="email" autocomplete="email"></label>
<button type="submit">Login</button></form>
<p class="note">OpenEMR simulator: user admin / pass; the patient logins are printed at start.</p>`,
  );
}

export interface ConsentView {
  action: string;
  auth: string;
  clientName: string;
  who: string;
  scopes: string[];
  /** shown for users asking for launch/patient: which patient becomes the launch context */
  patientChoice?: { uuid: string; label: string };
}

export function consentPage(v: ConsentView): string {
  const boxes = v.scopes
    .map((s) => `<label><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked> ${escapeHtml(s)}</label>`)
    .join('\n');
  const patient = v.patientChoice
    ? `<label>Patient context (uuid) <input type="text" name="patient" value="${escapeHtml(v.patientChoice.uuid)}"></label><p class="note">${escapeHtml(v.patientChoice.label)}</p>`
    : '';
  return page(
    'Authorize',
    `<h1>Authorize ${escapeHtml(v.clientName)}</h1><p>Signed in as <strong>${escapeHtml(v.who)}</strong>. The app asks for:</p>
<form method="post" action="${escapeHtml(v.action)}">
<input type="hidden" name="auth" value="${escapeHtml(v.auth)}"><input type="hidden" name="scopes_submitted" value="1">
<fieldset><legend>Scopes</legend>${boxes}</fieldset>${patient}
<button type="submit" name="proceed" value="1">Authorize</button><button type="submit" name="deny" value="1">Deny</button></form>`,
  );
}

/** 8.x's SMART patient selection (/smart/patient-select): pick the launch patient. */
export function patientSelectPage(action: string, auth: string, patients: Array<{ uuid: string; label: string }>): string {
  const rows = patients
    .map(
      (p, i) =>
        `<label><input type="radio" name="patient_id" value="${escapeHtml(p.uuid)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(p.label)}</label>`,
    )
    .join('\n');
  return page(
    'Select Patient',
    `<h1>Select a patient</h1><p>The app asked for a patient context (launch/patient).</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="auth" value="${escapeHtml(auth)}">
<fieldset><legend>Patients</legend>${rows}</fieldset>
<button type="submit">Select</button></form>`,
  );
}
