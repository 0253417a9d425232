import assert from 'node:assert/strict';
import { curlFor, shellQuote, TOKEN_PLACEHOLDER } from '../../../src/explorer/curl';

describe('explorer Copy as cURL', () => {
  it('reads the token from $OPENEMR_TOKEN in a header that the shell expands', () => {
    const curl = curlFor('https://emr.example/apis/default/api/patient/abc');
    assert.ok(curl.includes(`-H "Authorization: Bearer ${TOKEN_PLACEHOLDER}"`));
    assert.ok(curl.startsWith("curl -sS 'https://emr.example/apis/default/api/patient/abc'"));
    assert.ok(curl.includes("'Accept: application/json'"));
  });

  it('quotes single quotes inside the URL so the command stays one argument', () => {
    assert.equal(shellQuote("a'b"), `'a'\\''b'`);
    assert.ok(curlFor("https://h/apis/default/api/patient?lname=O'Brien").includes(`lname=O'\\''Brien`));
  });
});
