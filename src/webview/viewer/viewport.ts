/**
 * Which rows a virtual list shows for a scroll position. Browsers cap an element's height (about 33M px
 * in Chromium), so past `maxHeight` the scrollbar maps proportionally onto the rows instead of 1:1.
 */
export interface ViewportWindow {
  first: number;
  /** Exclusive. */
  last: number;
  /** Where row `first` is drawn, in the scroll container's coordinates. */
  offsetTop: number;
  totalHeight: number;
}

export function computeWindow(
  scrollTop: number,
  clientHeight: number,
  count: number,
  rowHeight: number,
  maxHeight = 8_000_000,
): ViewportWindow {
  const natural = count * rowHeight;
  const totalHeight = Math.min(natural, maxHeight);
  const visible = Math.ceil(clientHeight / rowHeight) + 1;
  if (natural <= maxHeight) {
    const first = Math.max(0, Math.min(count - 1, Math.floor(scrollTop / rowHeight)));
    return {
      first: Math.max(0, first),
      last: Math.min(count, first + visible),
      offsetTop: Math.max(0, first) * rowHeight,
      totalHeight,
    };
  }
  const scrollable = Math.max(1, totalHeight - clientHeight);
  const fraction = Math.min(1, Math.max(0, scrollTop / scrollable));
  const exact = fraction * Math.max(0, count - clientHeight / rowHeight);
  const first = Math.floor(exact);
  return {
    first,
    last: Math.min(count, first + visible),
    offsetTop: scrollTop - (exact - first) * rowHeight,
    totalHeight,
  };
}

/** The scrollTop that brings `index` to the top of the viewport (inverse of computeWindow). */
export function scrollTopFor(
  index: number,
  clientHeight: number,
  count: number,
  rowHeight: number,
  maxHeight = 8_000_000,
): number {
  const natural = count * rowHeight;
  if (natural <= maxHeight) return index * rowHeight;
  const span = Math.max(1, count - clientHeight / rowHeight);
  return (Math.min(index, span) / span) * (Math.min(natural, maxHeight) - clientHeight);
}
