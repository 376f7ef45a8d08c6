/**
 * Context similarity: how well a stored prefix/suffix matches the text next to a candidate.
 *
 * The stored prefix must end exactly where the candidate starts (the suffix must start where it
 * ends); how far the context reaches away from the candidate is free, so an insertion or deletion
 * inside the context costs one edit, not two. Distances are in UTF-16 units.
 */

/** Extra text examined beyond the context length, to absorb insertions into the context. */
const SLACK = 8;

/**
 * Scores one stored context string (a prefix when `dir` is -1, a suffix when `dir` is 1) against
 * the text adjacent to candidate positions. Build once per annotation, call `distance` per candidate.
 * Uses a bit-parallel edit distance (Myers/Hyyrö) for contexts of up to 32 UTF-16 units and a
 * plain dynamic program for longer ones.
 */
export class ContextMatcher {
  readonly pattern: string;
  readonly dir: -1 | 1;
  /** Per-character match masks over the pattern, in scan order (away from the candidate). */
  readonly #ascii: Int32Array | undefined;
  readonly #other: Map<number, number> | undefined;

  constructor(pattern: string, dir: -1 | 1) {
    this.pattern = pattern;
    this.dir = dir;
    const m = pattern.length;
    if (m === 0 || m > 32) return;
    this.#ascii = new Int32Array(128);
    this.#other = new Map();
    for (let i = 0; i < m; i++) {
      const c = dir < 0 ? pattern.charCodeAt(m - 1 - i) : pattern.charCodeAt(i);
      if (c < 128) this.#ascii[c] = (this.#ascii[c] as number) | (1 << i);
      else this.#other.set(c, (this.#other.get(c) ?? 0) | (1 << i));
    }
  }

  /** Edit distance between the context and the text adjacent to `pos`. */
  distance(text: string, pos: number): number {
    const { pattern, dir } = this;
    const m = pattern.length;
    if (m === 0) return 0;
    if (dir < 0 ? text.endsWith(pattern, pos) : text.startsWith(pattern, pos)) return 0;
    const available = dir < 0 ? pos : text.length - pos;
    const n = Math.min(available, m + SLACK);
    if (n === 0) return m;
    const ascii = this.#ascii;
    const other = this.#other;
    if (ascii === undefined || other === undefined) return dpDistance(text, pos, dir, pattern, n);

    // Hyyrö's bit-vector formulation of the global edit distance (top row D(0, j) = j),
    // tracking D(m, j) and keeping its minimum over j (free end away from the candidate).
    const high = 1 << (m - 1);
    let pv = -1;
    let mv = 0;
    let score = m;
    let best = m;
    for (let j = 1; j <= n; j++) {
      const c = dir < 0 ? text.charCodeAt(pos - j) : text.charCodeAt(pos + j - 1);
      const eq = c < 128 ? (ascii[c] as number) : (other.get(c) ?? 0);
      const xv = eq | mv;
      const xh = (((eq & pv) + pv) ^ pv) | eq;
      let ph = mv | ~(xh | pv);
      let mh = pv & xh;
      if (ph & high) score++;
      else if (mh & high) score--;
      if (score < best) best = score;
      ph = (ph << 1) | 1;
      mh = mh << 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    return best;
  }

  /** Similarity in [0, 1] (1 = the context is intact next to `pos`). */
  similarity(text: string, pos: number): number {
    const m = this.pattern.length;
    return m === 0 ? 1 : 1 - this.distance(text, pos) / m;
  }
}

let row = new Int32Array(128);

function dpDistance(text: string, pos: number, dir: -1 | 1, pattern: string, n: number): number {
  const m = pattern.length;
  if (row.length < n + 1) row = new Int32Array(2 * (n + 1));
  const d = row;
  for (let j = 0; j <= n; j++) d[j] = j;
  for (let i = 1; i <= m; i++) {
    const pc = dir < 0 ? pattern.charCodeAt(m - i) : pattern.charCodeAt(i - 1);
    let diag = d[0] as number;
    d[0] = i;
    let left = i;
    for (let j = 1; j <= n; j++) {
      const tc = dir < 0 ? text.charCodeAt(pos - j) : text.charCodeAt(pos + j - 1);
      const up = d[j] as number;
      let v = diag + (pc === tc ? 0 : 1);
      if (up + 1 < v) v = up + 1;
      if (left + 1 < v) v = left + 1;
      d[j] = v;
      left = v;
      diag = up;
    }
  }
  let best = m;
  for (let j = 0; j <= n; j++) if ((d[j] as number) < best) best = d[j] as number;
  return best;
}

/** Reference implementation (plain dynamic program), exported for tests. */
export function adjacentDistanceDp(text: string, pos: number, dir: -1 | 1, pattern: string): number {
  const m = pattern.length;
  if (m === 0) return 0;
  const available = dir < 0 ? pos : text.length - pos;
  const n = Math.min(available, m + SLACK);
  if (n === 0) return m;
  return dpDistance(text, pos, dir, pattern, n);
}

/**
 * Levenshtein distance between `a` and `text[from, to)` (UTF-16 units), or -1 when the table (after
 * stripping the common prefix and suffix) would exceed `maxCells` cells.
 */
export function editDistance(a: string, text: string, from: number, to: number, maxCells = 1_000_000): number {
  // Common prefixes and suffixes do not change the Levenshtein distance: strip them.
  let aStart = 0;
  let aEnd = a.length;
  while (aStart < aEnd && from < to && a.charCodeAt(aStart) === text.charCodeAt(from)) {
    aStart++;
    from++;
  }
  while (aStart < aEnd && from < to && a.charCodeAt(aEnd - 1) === text.charCodeAt(to - 1)) {
    aEnd--;
    to--;
  }
  if (aStart > 0 || aEnd < a.length) a = a.slice(aStart, aEnd);
  const m = a.length;
  const n = to - from;
  if (m === 0 || n === 0) return Math.max(m, n);
  if (m * n > maxCells) return -1;
  if (row.length < n + 1) row = new Int32Array(2 * (n + 1));
  const d = row;
  for (let j = 0; j <= n; j++) d[j] = j;
  for (let i = 1; i <= m; i++) {
    const pc = a.charCodeAt(i - 1);
    let diag = d[0] as number;
    d[0] = i;
    let left = i;
    for (let j = 1; j <= n; j++) {
      const up = d[j] as number;
      let v = diag + (pc === text.charCodeAt(from + j - 1) ? 0 : 1);
      if (up + 1 < v) v = up + 1;
      if (left + 1 < v) v = left + 1;
      d[j] = v;
      left = v;
      diag = up;
    }
  }
  return d[n] as number;
}
