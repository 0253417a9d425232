/**
 * Explorer benchmark (`npx tsx test/bench/explorer.bench.ts`), simulator with 100000 patients:
 * 1. expanding Patients to the first page of nodes built (provider.getChildren + getTreeItem of every row)
 *    against the raw HTTP time of the same page (HttpClient.send + JSON parse), same run, as a ratio (goal <= 1.3);
 * 2. heap after GC while paging through 5000 patients with Load more (start / end / peak).
 * The `vscode` module is replaced by a minimal stand-in here only, so the real provider and nodes run in Node.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { installVscodeStandIn } from './explorer/vscode-stand-in';

const ROUNDS = 40;
const PAGE = 50;
const PAGED_PATIENTS = 5000;

setFlagsFromString('--expose-gc');
const collect = (globalThis.gc ?? (runInNewContext('gc') as () => void)) as () => void;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function heapMb(): number {
  collect();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

export async function run(): Promise<void> {
  installVscodeStandIn();
  const { ExplorerProvider } = await import('../../src/explorer/provider');
  const { PatientsNode } = await import('../../src/explorer/nodes/patientsNode');
  const { adminSim } = await import('../unit/explorer/explorer-sim');
  const { serverUrls } = await import('../../src/core');

  const started = Date.now();
  const sim = await adminSim({ patients: 100_000 });
  console.log(`simulator with 100000 patients ready in ${Date.now() - started} ms`);
  try {
    const server = { id: 'bench', name: 'Bench', baseUrl: sim.ctx.server.baseUrl, site: 'default' };
    const provider = new ExplorerProvider({
      servers: () => [server],
      state: () => ({ status: 'signed-in', scopes: sim.tokens.grantedScopes }),
      client: () => sim.client,
      onDidChange: () => ({ dispose: () => undefined }),
    });
    // As VS Code does: a node announced as changed is read again (a list waits for that before its first rows).
    provider.onDidChangeTreeData((node) => void (node && provider.getTreeItem(node)));
    const root = provider.servers()[0]!;
    const patients = root.patients!;
    const pageUrl = `${serverUrls(sim.ctx.server).apis}/api/patient?_sort=lname%2Cfname&_limit=${PAGE}`;
    const headers = { Accept: 'application/json', Authorization: `Bearer ${sim.tokens.accessToken}` };

    const rawOnce = async (): Promise<number> => {
      const t = performance.now();
      const res = await sim.ctx.http.send({ method: 'GET', url: pageUrl, headers });
      if (res.status !== 200 || !Array.isArray((res.json as { data?: unknown }).data))
        throw new Error(`raw page failed: ${res.status}`);
      return performance.now() - t;
    };
    const treeOnce = async (): Promise<number> => {
      patients.invalidate();
      const t = performance.now();
      const children = await provider.getChildren(patients);
      for (const child of children) provider.getTreeItem(child);
      const elapsed = performance.now() - t;
      if (children.length !== PAGE + 1) throw new Error(`expected ${PAGE} patients and Load more, got ${children.length}`);
      return elapsed;
    };

    for (let i = 0; i < 5; i++) {
      await rawOnce(); // warm-up of both paths
      await treeOnce();
    }
    const raw: number[] = [];
    const tree: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // alternate the order so that neither side always runs on a warmer server
      if (i % 2 === 0) {
        raw.push(await rawOnce());
        tree.push(await treeOnce());
      } else {
        tree.push(await treeOnce());
        raw.push(await rawOnce());
      }
    }
    const ratio = median(tree) / median(raw);
    console.log(
      `first page of ${PAGE} patients: tree ${median(tree).toFixed(2)} ms (median of ${ROUNDS}), raw HTTP ${median(raw).toFixed(2)} ms`,
    );
    console.log(`ratio tree / raw HTTP: ${ratio.toFixed(2)} (goal <= 1.30) ${ratio <= 1.3 ? 'OK' : 'OVER'}`);

    // Paging through 5000 patients, building the nodes after every page as the view would.
    const fresh = new PatientsNode(root, patients.scope);
    const start = heapMb();
    let peak = start;
    await provider.getChildren(fresh);
    for (let page = 1; fresh.loadedCount() < PAGED_PATIENTS; page++) {
      await fresh.loadMore();
      const children = await provider.getChildren(fresh);
      for (const child of children) provider.getTreeItem(child);
      if (page % 10 === 0) peak = Math.max(peak, heapMb());
    }
    const end = heapMb();
    peak = Math.max(peak, end);
    console.log(
      `heap after GC while paging ${fresh.loadedCount()} patients: start ${start.toFixed(1)} MB, end ${end.toFixed(1)} MB, peak ${peak.toFixed(1)} MB (growth ${(end - start).toFixed(1)} MB, ${(((end - start) * 1024 * 1024) / fresh.loadedCount()).toFixed(0)} B per patient)`,
    );
  } finally {
    await sim.close();
  }
}

if (require.main === module) {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
