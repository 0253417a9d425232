/** The three benchmark pages: the viewer bundle (with a stub VS Code API), a <pre> and vanilla-jsoneditor. */

/** Every page loads `/doc.json` into `window.benchBytes` first; `window.benchRender()` then times the tool. */
const loadDocument = `
window.benchLongTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.benchLongTasks.push(e.duration); })
  .observe({ type: 'longtask', buffered: false });
window.benchLoad = async (name) => { window.benchBytes = new Uint8Array(await (await fetch('/' + name)).arrayBuffer()); return window.benchBytes.byteLength; };
window.nextPaint = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
`;

export const viewerPage = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/viewer.css"></head>
<body><div id="app"></div>
<script>${loadDocument}
window.benchRendered = null;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => { if (m.type === 'rendered') { window.benchRendered && window.benchRendered(m.summary); } },
  setState: () => {},
});
window.benchRender = () => new Promise((resolve) => {
  const t0 = performance.now();
  window.benchRendered = (summary) => resolve({ ms: performance.now() - t0, rows: summary.rows });
  window.postMessage({ type: 'document', docId: 'bench', title: 'Bench', bytes: window.benchBytes, keepInline: false }, '*');
});
window.benchScroller = () => document.querySelector('.vlist.tree');
window.benchSearch = (query) => new Promise((resolve) => {
  const input = document.querySelector('.search-input');
  const count = document.querySelector('.match-count');
  input.value = query;
  let firstMs;
  const t0 = performance.now();
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
  // The first match is shown once the count says "1 of …" and the page has painted it.
  const poll = async () => {
    const text = count.textContent || '';
    if (firstMs === undefined && /^1 of/.test(text)) {
      await window.nextPaint();
      firstMs = performance.now() - t0;
    }
    if (text && !text.includes('…')) resolve({ firstMs, ms: performance.now() - t0, result: text });
    else setTimeout(poll, 1);
  };
  poll();
});
</script>
<script src="/viewer.js"></script></body></html>`;

export const prePage = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><pre id="pre"></pre>
<script>${loadDocument}
window.benchRender = async () => {
  const t0 = performance.now();
  document.getElementById('pre').textContent = new TextDecoder().decode(window.benchBytes);
  await window.nextPaint();
  return { ms: performance.now() - t0, rows: 0 };
};
window.benchScroller = () => document.scrollingElement;
window.benchSearch = async (query) => {
  const t0 = performance.now();
  const text = document.getElementById('pre').textContent;
  const re = new RegExp(query.replace(/[.*+?^\${}()|[\\]\\\\]/g, '\\\\$&'), 'gi');
  let n = 0; while (re.exec(text)) n++;
  return { ms: performance.now() - t0, result: n + ' matches in the text' };
};
</script></body></html>`;

export const jsonEditorPage = `<!DOCTYPE html><html><head><meta charset="utf-8">
<style>html,body{height:100%;margin:0} #editor{height:100vh}</style></head><body><div id="editor"></div>
<script>${loadDocument}</script>
<script src="/jsoneditor.js"></script>
<script>
window.benchRender = async () => {
  const t0 = performance.now();
  const json = JSON.parse(new TextDecoder().decode(window.benchBytes));
  window.editor = window.createJSONEditor({ target: document.getElementById('editor'), props: { content: { json }, mode: 'tree', readOnly: true } });
  await window.nextPaint();
  await window.nextPaint();
  return { ms: performance.now() - t0, rows: document.querySelectorAll('.jse-json-node').length };
};
window.benchScroller = () => document.querySelector('.jse-contents') || document.scrollingElement;
window.benchSearch = null;
</script></body></html>`;
