/** `npm run sim -- [flags]`: starts the simulator, prints the logins, then the listening line. */
import { startSimulator } from './index.js';
import { FLAG_HELP, parseFlags } from './options.js';

async function main(): Promise<void> {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${FLAG_HELP}`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(FLAG_HELP);
    return;
  }
  const { help: _help, ...options } = flags;
  const started = Date.now();
  const sim = await startSimulator(options);
  if (!options.quiet) {
    const o = sim.options;
    console.log(
      `OpenEMR ${o.release} simulator: ${o.patients} patients (seed ${o.seed}), sites ${o.sites.join(',')}, APIs ${o.apis.join(',') || 'none'}, password grant ${o.passwordGrant}${o.systemScopes ? ', system scopes on' : ''}${o.manualApproval ? ', manual approval' : ''}; started in ${Date.now() - started} ms`,
    );
    console.log('Logins (password "pass"):');
    for (const u of sim.logins.users)
      console.log(`  user     ${u.username}${u.mfa ? '  (needs mfa_token: the TOTP of secret JBSWY3DPEHPK3PXP)' : ''}`);
    for (const p of sim.logins.patients)
      console.log(`  patient  ${p.username}  email ${p.email}  (pid ${p.pid}, uuid ${p.uuid})`);
    console.log(`Discovery: ${sim.url}/oauth2/${o.sites[0]}/.well-known/openid-configuration`);
    console.log(`Admin page: ${sim.url}/interface/smart/admin-client.php`);
  }
  console.log(`OpenEMR simulator listening on ${sim.url}`);
  const stop = (signal: string) => {
    if (!options.quiet) console.log(`${signal}: stopping`);
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
