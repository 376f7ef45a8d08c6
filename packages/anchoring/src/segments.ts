/**
 * Highlight layout: flatten possibly overlapping highlight ranges into ordered, non-overlapping
 * segments, each listing the highlights covering it (render intensity = `ids.length`).
 * Offsets are whatever unit the ranges use (code points for anchors; convert with
 * `CodePointIndex#toUtf16` before touching DOM text nodes).
 */

export interface HighlightRange {
  id: string;
  start: number;
  end: number;
}

export interface Segment {
  start: number;
  end: number;
  /** Ids of the ranges covering this segment, without duplicates, ordered by each id's first appearance in the input. */
  ids: string[];
}

/** A block of the document (paragraph, heading, ...) as a half-open range of the same offsets. */
export interface Block {
  start: number;
  end: number;
}

interface Event {
  pos: number;
  index: number;
  open: boolean;
}

/**
 * Ordered, non-overlapping segments covering every highlighted offset in [0, textLength).
 * Ranges are clamped to the text; empty, inverted or non-finite ranges are ignored. Adjacent
 * segments with the same ids are merged. O(r log r + output).
 */
export function segmentRanges(textLength: number, ranges: readonly HighlightRange[]): Segment[] {
  // Each range is keyed by the first index at which its id appears, which orders ids and merges
  // several ranges with the same id.
  const firstIndex = new Map<string, number>();
  const events: Event[] = [];
  ranges.forEach((range, k) => {
    let index = firstIndex.get(range.id);
    if (index === undefined) firstIndex.set(range.id, (index = k));
    if (!Number.isFinite(range.start) || !Number.isFinite(range.end)) return;
    const start = Math.max(0, range.start);
    const end = Math.min(textLength, range.end);
    if (start >= end) return;
    events.push({ pos: start, index, open: true }, { pos: end, index, open: false });
  });
  events.sort((a, b) => a.pos - b.pos);

  const segments: Segment[] = [];
  const active: number[] = []; // keys of open ranges, ascending (a key repeats per open range)
  let i = 0;
  while (i < events.length) {
    const pos = (events[i] as Event).pos;
    for (; i < events.length && (events[i] as Event).pos === pos; i++) {
      const e = events[i] as Event;
      const at = lowerBound(active, e.index);
      if (e.open) active.splice(at, 0, e.index);
      else active.splice(at, 1);
    }
    const next = events[i];
    if (next === undefined || active.length === 0) continue;
    const ids: string[] = [];
    for (let k = 0; k < active.length; k++) {
      if (k === 0 || active[k] !== active[k - 1]) ids.push((ranges[active[k] as number] as HighlightRange).id);
    }
    const last = segments[segments.length - 1];
    if (last !== undefined && last.end === pos && sameIds(last.ids, ids)) last.end = next.pos;
    else segments.push({ start: pos, end: next.pos, ids });
  }
  return segments;
}

/**
 * Lay highlights out per block: result[k] holds the segments intersecting blocks[k], clipped to it.
 * Offsets are relative to the block's start unless `relative` is false. Blocks may be given in any
 * order, may leave gaps (e.g. the newlines between paragraphs) and may be empty.
 */
export function segmentBlocks(
  blocks: readonly Block[],
  ranges: readonly HighlightRange[],
  options: { relative?: boolean } = {},
): Segment[][] {
  const relative = options.relative ?? true;
  let textLength = 0;
  for (const b of blocks) textLength = Math.max(textLength, b.end);
  const segments = segmentRanges(textLength, ranges);
  return blocks.map((block) => {
    const out: Segment[] = [];
    const offset = relative ? block.start : 0;
    // First segment ending after the block start.
    let lo = 0;
    let hi = segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((segments[mid] as Segment).end <= block.start) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < segments.length; k++) {
      const s = segments[k] as Segment;
      if (s.start >= block.end) break;
      const start = Math.max(s.start, block.start);
      const end = Math.min(s.end, block.end);
      if (start < end) out.push({ start: start - offset, end: end - offset, ids: s.ids });
    }
    return out;
  });
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, k) => id === b[k]);
}
