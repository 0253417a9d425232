import { strict as assert } from 'node:assert';
import { computeWindow, scrollTopFor } from '../../../src/webview/viewer/viewport';

describe('viewer virtual list window', () => {
  it('maps scrollTop 1:1 onto rows below the height cap', () => {
    const w = computeWindow(220, 110, 1000, 22);
    assert.deepEqual(w, { first: 10, last: 16, offsetTop: 220, totalHeight: 22_000 });
    assert.equal(scrollTopFor(10, 110, 1000, 22), 220);
  });

  it('handles an empty list', () => {
    assert.deepEqual(computeWindow(0, 500, 0, 22), { first: 0, last: 0, offsetTop: 0, totalHeight: 0 });
  });

  it('past the cap, the scrollbar maps proportionally and reaches the last row', () => {
    const count = 3_000_000; // 66M px at 22 px per row, above the cap
    const top = computeWindow(0, 440, count, 22, 8_000_000);
    assert.equal(top.first, 0);
    assert.equal(top.totalHeight, 8_000_000);
    const bottom = computeWindow(8_000_000 - 440, 440, count, 22, 8_000_000);
    assert.equal(bottom.last, count, 'the last row is reachable');
    const middle = scrollTopFor(1_500_000, 440, count, 22, 8_000_000);
    const w = computeWindow(middle, 440, count, 22, 8_000_000);
    assert.ok(Math.abs(w.first - 1_500_000) <= 1, `row ${w.first} should be close to 1,500,000`);
  });
});
