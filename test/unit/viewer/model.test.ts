import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { childCount, JsonTreeModel, pathOf, type TreeNode } from '../../../src/webview/viewer/model';

const doc = {
  resourceType: 'Bundle',
  entry: [
    { resource: { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jane'] }] } },
    { resource: { resourceType: 'Observation', id: 'o1', valueQuantity: { value: 7.2, unit: 'mmol/L' } } },
  ],
  total: 2,
};

const labels = (rows: TreeNode[]): string[] => rows.map((r) => `${'  '.repeat(r.depth)}${String(r.key ?? '$')}`);

describe('viewer model: flattening', () => {
  it('starts with the root alone, collapsed', () => {
    const model = new JsonTreeModel(doc);
    assert.deepEqual(labels(model.rows), ['$']);
    assert.equal(model.root.expanded, false);
  });

  it('expandToLevel(1) shows the top-level keys in document order', () => {
    const model = new JsonTreeModel(doc);
    model.expandToLevel(1);
    assert.deepEqual(labels(model.rows), ['$', '  resourceType', '  entry', '  total']);
  });

  it('toggle inserts and removes exactly the subtree rows, keeping nested expansion', () => {
    const model = new JsonTreeModel(doc);
    model.expandToLevel(3);
    const expanded = labels(model.rows);
    assert.deepEqual(expanded.slice(0, 6), ['$', '  resourceType', '  entry', '    0', '      resource', '    1']);
    const entryIndex = 2;
    model.toggle(entryIndex);
    assert.deepEqual(labels(model.rows), ['$', '  resourceType', '  entry', '  total']);
    model.toggle(entryIndex);
    assert.deepEqual(labels(model.rows), expanded, 'reopening restores the inner expansion');
  });

  it('expandToLevel closes deeper parts too: opening a node afterwards shows its children closed', () => {
    const model = new JsonTreeModel(doc);
    model.expandToLevel(4);
    model.expandToLevel(1);
    model.toggle(2); // entry
    assert.deepEqual(labels(model.rows), ['$', '  resourceType', '  entry', '    0', '    1', '  total']);
    model.toggle(3); // entry[0]
    assert.deepEqual(labels(model.rows).slice(3, 6), ['    0', '      resource', '    1'], 'resource stays closed');
  });

  it('toggle on a leaf does nothing and says so', () => {
    const model = new JsonTreeModel(doc);
    model.expandToLevel(1);
    assert.equal(model.toggle(1), false);
    assert.equal(model.rows.length, 4);
  });

  it('reveal expands the ancestors of a deep path and returns its row', () => {
    const model = new JsonTreeModel(doc);
    const index = model.reveal(['entry', 0, 'resource', 'name', 0, 'given', 0]);
    assert.ok(index > 0);
    assert.equal(model.rows[index].value, 'Jane');
    assert.deepEqual(pathOf(model.rows[index]), ['entry', 0, 'resource', 'name', 0, 'given', 0]);
    assert.equal(model.reveal(['entry', 5]), -1, 'a missing path is not revealed');
  });

  it('expandToLevel stops at maxRows and reports the truncation', () => {
    const model = new JsonTreeModel({ items: Array.from({ length: 1000 }, (_, i) => ({ i })) });
    const { truncated } = model.expandToLevel(64, 100);
    assert.equal(truncated, true);
    assert.equal(model.rows.length, 100);
    assert.equal(model.expandToLevel(64).truncated, false);
    assert.equal(model.rows.length, 1 + 1 + 1000 * 2);
  });

  it('handles a 100k-item array without overflowing the call stack', () => {
    const model = new JsonTreeModel(Array.from({ length: 100_000 }, (_, i) => i));
    model.toggle(0);
    assert.equal(model.rows.length, 100_001);
    assert.equal(model.rows[100_000].value, 99_999);
  });

  it('property: fully expanded rows equal the number of nodes in the value', () => {
    const countNodes = (v: unknown): number =>
      1 + (typeof v === 'object' && v !== null ? Object.values(v).reduce<number>((n, c) => n + countNodes(c), 0) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const model = new JsonTreeModel(value);
        model.expandToLevel(64);
        assert.equal(model.rows.length, countNodes(value));
        model.collapseAll();
        assert.equal(model.rows.length, 1);
        return childCount(value) >= 0;
      }),
      { numRuns: 200 },
    );
  });
});

describe('viewer model: big arrays listed lazily', () => {
  const bundle = (
    n: number,
  ): { resourceType: string; entry: Array<{ resource: { id: string; tags: string[] } }>; total: number } => ({
    resourceType: 'Bundle',
    entry: Array.from({ length: n }, (_, i) => ({ resource: { id: `r${i}`, tags: ['a', 'b'] } })),
    total: n,
  });
  const rowLabels = (model: JsonTreeModel): string[] =>
    Array.from({ length: model.rowCount }, (_, i) => {
      const r = model.row(i) as TreeNode;
      return `${'  '.repeat(r.depth)}${String(r.key ?? '$')}${r.expanded ? '+' : ''}`;
    });
  const plainLabels = (model: JsonTreeModel): string[] =>
    model.rows.map((r) => `${'  '.repeat(r.depth)}${String(r.key ?? '$')}${r.expanded ? '+' : ''}`);

  it('lists 5,000 entries at level 2 without building their nodes', () => {
    const doc = bundle(5000);
    const model = new JsonTreeModel(doc);
    model.expandToLevel(2);
    assert.equal(model.rowCount, 1 + 3 + 5000);
    const entry = model.row(2) as TreeNode;
    assert.equal(entry.key, 'entry');
    const built = (entry.children ?? []).filter(Boolean).length;
    assert.equal(built, 0, 'no entry node before a row is read');
    assert.equal(model.row(3)?.key, 0);
    assert.equal(model.row(5002)?.key, 4999);
    assert.equal(model.row(5003)?.key, 'total');
    assert.equal(model.row(5004), undefined);
    assert.equal((entry.children ?? []).filter(Boolean).length, 2, 'only the rows read are built');
    assert.equal(model.row(3), model.row(3), 'a row is one node');
    assert.equal(model.indexOf(model.row(4000) as TreeNode), 4000);
    assert.equal(model.indexOf(model.row(5003) as TreeNode), 5003);
  });

  it('reads the same rows as a model built eagerly, through toggles, reveal and levels', () => {
    const doc = bundle(1500);
    const lazy = new JsonTreeModel(doc);
    lazy.expandToLevel(2);
    const eager = new JsonTreeModel(doc);
    eager.expandToLevel(1);
    eager.toggle(2); // entry, through expandAt: every node built
    assert.deepEqual(rowLabels(lazy), plainLabels(eager));
    // open an entry in the run, then its resource
    for (const m of [lazy, eager]) {
      m.toggle(10);
      m.toggle(11);
    }
    assert.deepEqual(rowLabels(lazy), plainLabels(eager));
    assert.deepEqual(plainLabels(lazy), plainLabels(eager));
    // a new level listing keeps the entry that was opened before closed
    lazy.expandToLevel(2);
    assert.equal(lazy.rowCount, 1 + 3 + 1500);
    assert.equal((lazy.row(10) as TreeNode).expanded, false);
    lazy.toggle(10);
    assert.deepEqual(
      rowLabels(lazy).slice(10, 13),
      ['    7+', '      resource', '    8'],
      'reopening an entry shows its resource closed',
    );
    // reveal inside a lazy run
    lazy.expandToLevel(2);
    const index = lazy.reveal(['entry', 1200, 'resource', 'tags', 1]);
    assert.equal(lazy.row(index)?.value, 'b');
    assert.deepEqual(pathOf(lazy.row(index) as TreeNode), ['entry', 1200, 'resource', 'tags', 1]);
    assert.equal(lazy.reveal(['entry', 1500]), -1);
    assert.equal(lazy.reveal(['entry', 'x']), -1);
    // collapsing the array itself
    lazy.expandToLevel(2);
    lazy.toggle(2);
    assert.deepEqual(rowLabels(lazy), ['$+', '  resourceType', '  entry', '  total']);
  });

  it('buildSome builds the run in slices, then lists it as ordinary rows', () => {
    const doc = bundle(5000);
    const model = new JsonTreeModel(doc);
    model.expandToLevel(2);
    const early = model.row(4000) as TreeNode;
    const reference = new JsonTreeModel(doc);
    reference.expandToLevel(2);
    const before = rowLabels(reference);
    let slices = 1;
    while (!model.buildSome(1000)) slices++;
    assert.equal(slices, 5);
    assert.deepEqual(rowLabels(model), before);
    assert.equal(model.row(4000), early, 'a node built before stays the row');
    assert.equal(model.indexOf(early), 4000);
    assert.equal(model.buildSome(1000), true);
    model.toggle(5);
    assert.equal(model.rowCount, 1 + 3 + 5000 + 1);
  });

  it('a slice of buildSome before any row of the run was read still lists every row when rows move', () => {
    const doc = bundle(3000);
    const model = new JsonTreeModel(doc);
    model.expandToLevel(2);
    assert.equal(model.buildSome(1000), false);
    // Opening the run's first entry lists the run as ordinary rows: every one of them must be built.
    model.expandAt(3);
    const reference = new JsonTreeModel(doc);
    reference.expandToLevel(2);
    reference.expandAt(3);
    assert.equal(model.rows.length, reference.rows.length);
    assert.deepEqual(rowLabels(model), rowLabels(reference));
  });

  it('a lazy run stops at maxRows', () => {
    const model = new JsonTreeModel(bundle(3000));
    const { truncated } = model.expandToLevel(2, 2000);
    assert.equal(truncated, true);
    assert.equal(model.rowCount, 2000);
    assert.equal(model.row(1999)?.key, 1996);
    assert.equal(model.rows.length, 2000);
  });

  it('property: lazy and eager listings agree at every level', () => {
    fc.assert(
      fc.property(fc.integer({ min: 990, max: 1300 }), fc.integer({ min: 0, max: 4 }), (n, level) => {
        const doc = { items: Array.from({ length: n }, (_, i) => (i % 3 ? { i } : i)), n };
        const lazy = new JsonTreeModel(doc);
        lazy.expandToLevel(level);
        const reference = new JsonTreeModel(doc);
        reference.expandToLevel(level);
        assert.deepEqual(rowLabels(lazy), plainLabels(reference));
      }),
      { numRuns: 20 },
    );
  });
});
