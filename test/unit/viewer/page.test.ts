import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { viewerPage } from '../../../src/viewer/page';

const origin = 'https://file+.vscode-resource.vscode-cdn.net';
const parts = {
  cspSource: origin,
  scriptUri: `${origin}/ext/dist/webview/viewer.js`,
  styleUri: `${origin}/ext/media/viewer.css`,
  nonce: 'bm9uY2Utb2YtdGVzdA==',
};

function cspOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'the page declares a CSP');
  return new Map(
    content
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('viewer page: CSP and resources', () => {
  it("default-src 'none'; the script only by nonce; style, images and fonts only from the webview's own origin", () => {
    const csp = cspOf(viewerPage(parts));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${parts.nonce}'`]);
    for (const directive of ['style-src', 'img-src', 'font-src']) assert.deepEqual(csp.get(directive), [origin], directive);
    assert.deepEqual([...csp.keys()].sort(), ['default-src', 'font-src', 'img-src', 'script-src', 'style-src']);
    for (const sources of csp.values()) assert.ok(!sources.some((s) => /unsafe|\*|data:|blob:/.test(s)), sources.join(' '));
  });

  it('loads one script (with the nonce) and one stylesheet, both from the extension; nothing inline, nothing remote', () => {
    const html = viewerPage(parts);
    assert.deepEqual(
      [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]),
      [`<script nonce="${parts.nonce}" src="${parts.scriptUri}">`],
    );
    assert.deepEqual(
      [...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]),
      [`<link rel="stylesheet" href="${parts.styleUri}">`],
    );
    assert.doesNotMatch(html, /<style|\sstyle="|\son[a-z]+=/i);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(
      urls.every((u) => u.startsWith(`${origin}/`)),
      urls.join(', '),
    );
  });
});

describe('viewer stylesheet: theme colors', () => {
  it('every color comes from a VS Code theme variable (literal colors only as var() fallbacks)', () => {
    const css = readFileSync(path.join(__dirname, '..', '..', '..', 'media', 'viewer.css'), 'utf8').replace(
      /\/\*[\s\S]*?\*\//g,
      '',
    );
    const declarations = [...css.matchAll(/([a-z-]+)\s*:\s*([^;{}]+)/g)].filter((m) =>
      /color|background|border|outline/.test(m[1]!),
    );
    assert.ok(declarations.length > 30, `found ${declarations.length} color declarations`);
    for (const [, property, value] of declarations) {
      const withoutFallbacks = value!.replace(/var\(--vscode-[\w-]+(?:,[^()]*(?:\([^()]*\))?[^()]*)?\)/g, 'THEME');
      assert.doesNotMatch(
        withoutFallbacks,
        /#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(|\b(?:white|black|red|green|blue|gray|grey)\b/i,
        `${property}: ${value!.trim()}`,
      );
      if (/color|background/.test(property!) && !/^(?:none|transparent|inherit)$/.test(value!.trim())) {
        assert.match(withoutFallbacks, /THEME/, `${property}: ${value!.trim()} uses a theme variable`);
      }
    }
  });
});
