/**
 * Explorer benchmark, simulator with 100000 patients:
 * 1. expanding Patients to its first page of nodes built (provider.getChildren + getTreeItem of every row)
 *    against the raw HTTP time of the same page (HttpClient.send + JSON parse), interleaved in one run;
 * 2. heap growth after GC while paging through 5000 patients with Load more, per loaded patient.
 * The simulator runs in its own process, so that its data is not counted in the heap nor its work in the time.
 * The `vscode` module is replaced by a minimal stand-in here only, so the real provider and nodes run in Node.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { installVscodeStandIn } from './explorer/vscode-stand-in';
import { explorerSimProcess } from './sim-process';
import { atMost, measureRatio, type BenchContext, type Figure } from './figures';

const PAGE = 50;

setFlagsFromString('--expose-gc');
const collect = (globalThis.gc ?? (runInNewContext('gc') as () => void)) as () => void;

function heapMb(): number {
  collect();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const patientCount = ctx.smoke ? 500 : 100_000;
  const pagedPatients = ctx.smoke ? 200 : 5000;
  installVscodeStandIn();
  const { ExplorerProvider } = await import('../../src/explorer/provider');
  const { PatientsNode } = await import('../../src/explorer/nodes/patientsNode');
  const { serverUrls } = await import('../../src/core');

  const sim = await explorerSimProcess(patientCount);
  try {
    const server = { id: 'bench', name: 'Bench', baseUrl: sim.server.baseUrl, site: 'default' };
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
    const pageUrl = `${serverUrls(sim.server).apis}/api/patient?_sort=lname%2Cfname&_limit=${PAGE}`;
    const headers = { Accept: 'application/json', Authorization: `Bearer ${sim.tokens.accessToken}` };

    const rawOnce = async (): Promise<number> => {
      const t = performance.now();
      const res = await sim.http.send({ method: 'GET', url: pageUrl, headers });
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
    const firstPage = await measureRatio(ctx, {
      name: `first page of ${PAGE} of ${patientCount} patients in the tree vs raw HTTP`,
      unit: 'ms',
      goal: 1.2,
      subject: treeOnce,
      baseline: rawOnce,
      blocks: ctx.smoke ? 1 : 8,
    });
    console.log(
      `first page: tree ${firstPage.value.toFixed(2)} ms, raw HTTP ${firstPage.baseline!.toFixed(2)} ms, ratio ${firstPage.ratio!.toFixed(3)}`,
    );

    // Paging through the patients, building the nodes after every page as the view would. A first list pages a
    // little before the measure starts, so that code compiled on first use is not counted per patient.
    const pageThrough = async (node: InstanceType<typeof PatientsNode>, count: number, sample?: () => void) => {
      await provider.getChildren(node);
      for (let page = 1; node.loadedCount() < count; page++) {
        await node.loadMore();
        const children = await provider.getChildren(node);
        for (const child of children) provider.getTreeItem(child);
        if (page % 10 === 0) sample?.();
      }
    };
    await pageThrough(new PatientsNode(root, patients.scope), PAGE * 10);
    const fresh = new PatientsNode(root, patients.scope);
    const start = heapMb();
    let peak = start;
    await pageThrough(fresh, pagedPatients, () => (peak = Math.max(peak, heapMb())));
    const end = heapMb();
    peak = Math.max(peak, end);
    const perPatient = ((end - start) * 1024 * 1024) / fresh.loadedCount();
    console.log(
      `heap after GC while paging ${fresh.loadedCount()} patients: start ${start.toFixed(1)} MB, end ${end.toFixed(1)} MB, peak ${peak.toFixed(1)} MB`,
    );
    return [
      firstPage,
      atMost(`heap growth while paging ${fresh.loadedCount()} patients, per patient`, Math.round(perPatient), 'B', 400, {
        note: `start ${start.toFixed(1)} MB, end ${end.toFixed(1)} MB, peak ${peak.toFixed(1)} MB`,
      }),
    ];
  } finally {
    await sim.stop();
  }
}
