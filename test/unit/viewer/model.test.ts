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
