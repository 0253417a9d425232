/**
 * The XSS corpus of the UI tests: the viewer's hostile strings, and more that would count themselves if any
 * ran (`window.openemrXssRuns`): event handlers, script in SVG, javascript: and data: URLs, CSS injection,
 * right-to-left and zero-width tricks, and a 100 KB string.
 */
import { xssCorpus } from '../unit/viewer/fixtures/simPatients';

const RUN = 'window.openemrXssRuns=(window.openemrXssRuns||0)+1';

export const XSS_CORPUS: readonly string[] = [
  ...xssCorpus,
  `<img src=x onerror="${RUN}">`,
  `<svg><script>${RUN}</script></svg>`,
  `<svg/onload=${RUN}>`,
  `<a href="javascript:${RUN}">link</a>`,
  `<iframe src="data:text/html,<script>parent.${RUN}</script>"></iframe>`,
  `data:text/html;base64,${Buffer.from(`<script>${RUN}</script>`).toString('base64')}`,
  `<div style="width:expression(${RUN})">css</div>`,
  `</style><style>@import 'https://evil.example/x.css';body{background:url("javascript:${RUN}")}</style>`,
  `zero\u200Bwidth<img\u200Bsrc=x onerror=${RUN}>`,
  `\u202E<img src=x onerror=${RUN}>\u202C`,
  `<details open ontoggle=${RUN}>`,
  `<input autofocus onfocus=${RUN}>`,
  `${'A'.repeat(100 * 1024)}<img src=x onerror=${RUN}>`,
];
