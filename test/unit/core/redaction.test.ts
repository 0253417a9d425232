import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redactApiBody, redactingLogger, redactText, redactUrl } from '../../../src/core';
import { captureLogger } from './log-capture';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl';

describe('core/log redaction', () => {
  it('masks secret-shaped text: JWTs, Bearer/Basic, form, query and JSON fields', () => {
    const text = [
      `token ${JWT}`,
      'Authorization: Bearer abc.def-ghi',
      'Basic dXNlcjpwYXNz',
      'grant_type=password&username=admin&password=pass123&client_secret=s3cr3t',
      '{"refresh_token":"def50200aa","access_token":"xyz","scope":"openid","d":"privatepart"}',
    ].join('\n');
    const out = redactText(text);
    for (const secret of [JWT, 'abc.def-ghi', 'dXNlcjpwYXNz', 'pass123', 's3cr3t', 'def50200aa', '"xyz"', 'privatepart']) {
      assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    }
    assert.ok(out.includes('username=admin'), 'non-secret fields stay readable');
    assert.ok(out.includes('"scope":"openid"'));
  });

  it('in API bodies, code is data: redactApiBody keeps it and still masks every other secret', () => {
    const text = `{"code":"8867-4","url":"/fhir/Observation?code=8867-4","password":"pass123","access_token":"${JWT}"}`;
    const out = redactApiBody(text);
    assert.ok(out.includes('"code":"8867-4"') && out.includes('?code=8867-4'), out);
    assert.ok(!out.includes('pass123') && !out.includes(JWT), out);
    // Free text (log lines, errors) keeps masking an authorization code.
    assert.ok(!redactText(text).includes('8867-4'));
  });

  it('masks known secret values wherever they appear', () => {
    assert.equal(redactText('the secret is hunter2-xyz!', ['hunter2-xyz']), 'the secret is [redacted]!');
  });

  it('redacts secret query parameters in URLs and strips userinfo', () => {
    const out = redactUrl(`https://u:p@emr.example.org/oauth2/default/logout?id_token_hint=${JWT}&state=abc`);
    assert.ok(!out.includes(JWT) && !out.includes('u:p@'));
    assert.ok(out.includes('state=abc'));
    assert.ok(!redactUrl('not a url ?code=abcdef').includes('abcdef'));
  });

  it('the redacting logger renders arguments and masks registered secrets', () => {
    const sink = captureLogger();
    const log = redactingLogger(sink);
    log.addSecret('my-client-secret-1');
    log.info(
      'POST /token',
      { client_secret: 'my-client-secret-1', other: 'my-client-secret-1' },
      new Error('fail my-client-secret-1'),
    );
    log.error('x', 'y');
    assert.equal(sink.lines.length, 2);
    assert.ok(!sink.lines[0]!.includes('my-client-secret-1'), sink.lines[0]);
    assert.ok(sink.lines[0]!.startsWith('info POST /token'));
  });

  it('property: a registered secret never survives, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 6 }).filter((s) => s.trim().length >= 6),
        fc.string(),
        fc.string(),
        (secret, before, after) => {
          const sink = captureLogger();
          const log = redactingLogger(sink);
          log.addSecret(secret);
          log.warn(`${before}${secret}${after}`, { nested: [secret] });
          assert.ok(!sink.lines[0]!.includes(secret));
        },
      ),
    );
  });

  it('property: secret fields in forms and JSON are always masked', () => {
    const field = fc.constantFrom(
      'password',
      'client_secret',
      'refresh_token',
      'access_token',
      'id_token',
      'code',
      'client_assertion',
    );
    const value = fc.stringMatching(/^[A-Za-z0-9._~-]{8,40}$/);
    fc.assert(
      fc.property(field, value, (name, v) => {
        assert.ok(!redactText(`a=1&${name}=${v}&b=2`).includes(v));
        assert.ok(!redactText(JSON.stringify({ [name]: v, keep: 1 })).includes(v));
      }),
    );
  });
});
