/**
 * Orders two bus cursors of one guild: -1, 0, 1, or null when either is not a cursor this code can read. Both
 * buses issue digits with optional `-` parts (a Redis stream entry id `ms-seq`, or a counter in process memory),
 * compared part by part as integers.
 */
export function compareCursors(a: string, b: string): number | null {
  const parse = (c: string) => (/^\d+(-\d+)*$/.test(c) ? c.split('-').map(BigInt) : null);
  const [x, y] = [parse(a), parse(b)];
  if (!x || !y) return null;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? 0n, y[i] ?? 0n];
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
