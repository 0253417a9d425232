import assert from 'node:assert/strict';
import { evaluateAssertion, parseAssertion } from '../../../src/core/requests/assertions';
import { checkHttpFile, looksLikeToken, removeTokenLines, starterFile } from '../../../src/core/requests/checks';
import { parseHttpFile, requestAt } from '../../../src/core/requests/httpFile';
import { query, queryAll } from '../../../src/core/requests/jsonpath';
import { resolveTemplate, VariableError, type VariableScope } from '../../../src/core/requests/variables';

const FILE = [
  '# @server Clinic',
  '@limit = 2',
  '@base = /api',
  '',
  '###',
  '# @name list',
  'GET {{base}}/patient?_limit={{limit}}',
  'Accept: application/json',
  '',
  '?? status == 200',
  '',
  '### second request',
  '// @name create',
  'POST /api/patient HTTP/1.1',
  'Content-Type: application/json',
  '',
  '{',
  '  "fname": "{{list.response.body.$.data[0].fname}}"',
  '}',
  '?? status < 300',
  '# a comment before the next separator',
  '###',
  '/fhir/metadata',
].join('\n');

describe('request files: parser', () => {
  const file = parseHttpFile(FILE);

  it('reads variables, the file server, names, request lines, headers, bodies and assertions', () => {
    assert.equal(file.server, 'Clinic');
    assert.deepEqual(
      file.variables.map((v) => [v.name, v.value, v.line]),
      [
        ['limit', '2', 1],
        ['base', '/api', 2],
      ],
    );
    assert.equal(file.requests.length, 3);
    const [list, create, meta] = file.requests;
    assert.deepEqual([list!.name, list!.method, list!.url, list!.line], ['list', 'GET', '{{base}}/patient?_limit={{limit}}', 6]);
    assert.deepEqual(list!.headers, [{ name: 'Accept', value: 'application/json', line: 7 }]);
    assert.deepEqual(list!.assertions, [{ text: 'status == 200', line: 9 }]);
    assert.equal(create!.name, 'create');
    assert.equal(create!.method, 'POST');
    assert.equal(create!.body, '{\n  "fname": "{{list.response.body.$.data[0].fname}}"\n}');
    assert.equal(create!.bodyLine, 16);
    assert.deepEqual(
      create!.assertions.map((a) => a.text),
      ['status < 300'],
    );
    assert.deepEqual([meta!.method, meta!.url, meta!.name], ['GET', '/fhir/metadata', undefined]);
    assert.deepEqual(file.problems, []);
    assert.equal(requestAt(file, 17)?.name, 'create');
    assert.equal(requestAt(file, 4), undefined);
  });

  it('reports a block that does not start with a request line', () => {
    const bad = parseHttpFile('###\nhello there\n');
    assert.equal(bad.requests.length, 0);
    assert.match(bad.problems[0]!.message, /request line/);
  });

  it('reads variables with spaces in a request line', () => {
    const file = parseHttpFile('GET /api/patient?_limit={{$env LIMIT}} HTTP/1.1\n###\n{{$processEnv BASE}}/api/patient\n');
    assert.deepEqual(
      file.requests.map((r) => r.url),
      ['/api/patient?_limit={{$env LIMIT}}', '{{$processEnv BASE}}/api/patient'],
    );
    assert.deepEqual(file.problems, []);
  });

  it('reads CRLF files', () => {
    assert.equal(parseHttpFile('GET /api/patient\r\nAccept: x\r\n\r\n').requests[0]!.headers[0]!.value, 'x');
  });
});

describe('request files: variables and JSONPath', () => {
  const scope = (over: Partial<VariableScope> = {}): VariableScope => ({
    variables: parseHttpFile(FILE).variables,
    selection: { 'patient.uuid': 'p-uuid', 'patient.pid': '7' },
    responses: new Map([['list', { status: 200, headers: { location: '/x' }, body: { data: [{ fname: 'Ann', tags: ['a'] }] } }]]),
    env: (name) => (name === 'HOME_X' ? 'home' : undefined),
    ...over,
  });

  it('resolves file, nested file, selection, response and environment variables', () => {
    assert.equal(resolveTemplate('{{base}}/patient?_limit={{ limit }}', scope()), '/api/patient?_limit=2');
    assert.equal(resolveTemplate('/api/patient/{{patient.uuid}}/{{patient.pid}}', scope()), '/api/patient/p-uuid/7');
    assert.equal(resolveTemplate('{{list.response.body.$.data[0].fname}}', scope()), 'Ann');
    assert.equal(resolveTemplate('{{list.response.body.$.data[0].tags}}', scope()), '["a"]');
    assert.equal(resolveTemplate('{{list.response.headers.Location}} {{list.response.status}}', scope()), '/x 200');
    assert.equal(resolveTemplate('{{$env HOME_X}} {{$processEnv HOME_X}}', scope()), 'home home');
  });

  it('names what is missing', () => {
    const fails = (text: string, pattern: RegExp) =>
      assert.throws(
        () => resolveTemplate(text, scope()),
        (e: unknown) => e instanceof VariableError && pattern.test(e.message),
      );
    fails('{{nope}}', /not defined/);
    fails('{{encounter.uuid}}', /encounter selected/);
    fails('{{other.response.body.$.x}}', /not been sent/);
    fails('{{list.response.body.$.data[5].fname}}', /selects nothing/);
    fails('{{$env NOT_SET_ANYWHERE}}', /not set/);
    const loop = parseHttpFile('@a = {{a}}\nGET /api/patient').variables;
    assert.throws(() => resolveTemplate('{{a}}', scope({ variables: loop })), /itself/);
  });

  it('evaluates the JSONPath subset', () => {
    const doc = { data: [{ id: 1 }, { id: 2 }], 'odd key': 'v', s: 'abc' };
    assert.equal(query(doc, '$.data.length'), 2);
    assert.equal(query(doc, '$.data[-1].id'), 2);
    assert.equal(query(doc, "$['odd key']"), 'v');
    assert.equal(query(doc, '$.s.length'), 3);
    assert.deepEqual(query(doc, '$.data[*].id'), [1, 2]);
    assert.deepEqual(queryAll(doc, '$.*').length, 3);
    assert.equal(query(doc, '$.missing.x'), undefined);
    assert.throws(() => query(doc, 'data'), /starts with \$/);
    assert.throws(() => query(doc, '$..x'), /Cannot read/);
  });
});

describe('request files: assertions', () => {
  const res = {
    status: 201,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: { data: [{ uuid: 'u1', n: 3 }], ok: true },
    durationMs: 40,
  };
  const run = (text: string) => evaluateAssertion(parseAssertion(text), res);

  it('passes and fails with the expected and actual values', () => {
    for (const ok of [
      'status == 201',
      'status != 200',
      'status < 300',
      'status >= 201',
      'body $.data.length > 0',
      'body $.data[0].uuid == u1',
      'body $.data[0].uuid == "u1"',
      'body $.ok == true',
      'body $.data[0].n <= 3',
      'body $.data[0].uuid exists',
      'body $.nothing !exists',
      'header content-type contains json',
      'header Content-Type startsWith application/',
      'body contains u1',
      'body $.data[0].uuid matches ^u\\d$',
      'duration < 5000',
    ])
      assert.equal(run(ok).passed, true, ok);
    const failed = run('status == 200');
    assert.equal(failed.passed, false);
    assert.equal(failed.actual, '201');
    assert.match(failed.message, /expected == 200, actual 201/);
    assert.equal(run('body $.data.length > 1').passed, false);
    assert.equal(run('header x-missing exists').passed, false);
  });

  it('rejects assertions it cannot read', () => {
    assert.throws(() => parseAssertion('status is fine'), /Cannot read/);
    assert.throws(() => parseAssertion('header contains json'), /header name|Cannot read/);
    assert.throws(() => parseAssertion('status =='), /Cannot read|needs a value/);
  });
});

describe('request files: checks', () => {
  it('flags a token line, unknown routes, undefined variables and bad assertions', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl';
    const text = [
      'GET /api/patient',
      `Authorization: Bearer ${jwt}`,
      '',
      '###',
      'GET /api/no_such_thing/{{who}}',
      'Authorization: Bearer {{token}}',
      '',
      '?? status = 200',
      '###',
      'GET /api/patient/{{ghost.response.body.$.x}}',
    ].join('\n');
    const file = parseHttpFile(text);
    const checks = checkHttpFile(file, text);
    const codes = checks.map((c) => `${c.line}:${c.code}`);
    assert.deepEqual(
      codes.sort(),
      [
        '1:token-in-file',
        '4:undefined-variable',
        '4:unknown-route',
        '5:undefined-variable',
        '7:syntax',
        '9:undefined-variable',
      ].sort(),
    );
    const removed = removeTokenLines(text, file);
    assert.equal(removed.removed, 1);
    assert.ok(!removed.text.includes(jwt));
    assert.ok(removed.text.includes('Bearer {{token}}'));
  });

  it('tells real-looking tokens from placeholders', () => {
    assert.equal(looksLikeToken('Bearer def50200a1b2c3d4e5f6a7b8c9d0'), true);
    assert.equal(looksLikeToken('Bearer {{token}}'), false);
    assert.equal(looksLikeToken('Bearer xxx'), false);
    assert.equal(looksLikeToken('Basic abc'), false);
  });

  it('the starter file parses cleanly, with known routes and defined variables', () => {
    const text = starterFile('Clinic');
    const file = parseHttpFile(text);
    assert.equal(file.server, 'Clinic');
    assert.deepEqual(
      file.requests.map((r) => r.name),
      ['patients', 'patient', 'metadata'],
    );
    assert.deepEqual(checkHttpFile(file, text), []);
  });
});
