/** Set-up for the explorer's vscode-free tests: the in-process simulator and a core client with a real token. */
import { OpenEmrClient, staticTokenSource, type TokenSet } from '../../../src/core';
import { adminPasswordTokens, enabledClient, oauthFor, startSim, type SimContext } from '../core/sim-helpers';
import type { SimOptions } from '../../openemr-sim';

export const EXPLORER_USER_SCOPES = [
  'openid',
  'api:oemr',
  'api:fhir',
  'user/patient.read',
  'user/encounter.read',
  'user/vital.read',
  'user/soap_note.read',
  'user/medical_problem.read',
  'user/allergy.read',
  'user/medication.read',
  'user/surgery.read',
  'user/dental_issue.read',
  'user/appointment.read',
  'user/insurance.read',
  'user/document.read',
  'user/transaction.read',
  'user/practitioner.read',
  'user/facility.read',
  'user/list.read',
  'user/Condition.read',
  'user/Observation.read',
  'user/Encounter.read',
  'user/Practitioner.read',
];

export const EXPLORER_PATIENT_SCOPES = [
  'openid',
  'api:port',
  'api:fhir',
  'patient/patient.read',
  'patient/encounter.read',
  'patient/appointment.read',
  'patient/Patient.read',
  'patient/Condition.read',
];

export interface ExplorerSim {
  ctx: SimContext;
  client: OpenEmrClient;
  tokens: TokenSet;
  close(): Promise<void>;
}

function clientFor(ctx: SimContext, tokens: TokenSet): OpenEmrClient {
  return new OpenEmrClient({ http: ctx.http, tokens: staticTokenSource(tokens.accessToken, tokens.grantedScopes) });
}

/** A signed-in admin (users role) with the explorer's read scopes. */
export async function adminSim(options: SimOptions = {}, scopes = EXPLORER_USER_SCOPES): Promise<ExplorerSim> {
  const ctx = await startSim(options);
  const registered = await enabledClient(ctx, { scopes });
  const tokens = await adminPasswordTokens(oauthFor(ctx, registered), scopes);
  return { ctx, client: clientFor(ctx, tokens), tokens, close: () => ctx.close() };
}

/** A signed-in patient (patient role, portal/patient scopes) of the simulator's first patient login. */
export async function patientSim(): Promise<ExplorerSim & { uuid: string }> {
  const ctx = await startSim();
  const registered = await enabledClient(ctx, { scopes: EXPLORER_PATIENT_SCOPES });
  const login = ctx.sim.logins.patients[0]!;
  const tokens = await oauthFor(ctx, registered).passwordGrant({
    role: 'patient',
    username: login.username,
    password: login.password,
    email: login.email,
    scopes: EXPLORER_PATIENT_SCOPES,
  });
  return { ctx, client: clientFor(ctx, tokens), tokens, uuid: login.uuid, close: () => ctx.close() };
}
