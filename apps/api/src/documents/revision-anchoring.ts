import type { Anchorer, Selector } from '@scholia/anchoring';
import type { ReanchorCounts } from '@scholia/shared';

export type AnchorStatus = 'anchored' | 'moved' | 'orphaned';

export interface AnchorState {
  status: AnchorStatus;
  start: number | null;
  end: number | null;
}

function selectorsOf(target: unknown): Selector[] {
  const list = (target as { selector?: unknown } | null)?.selector;
  return Array.isArray(list) ? (list as Selector[]) : [];
}

/**
 * Where a passage is in a revised text. The selectors are kept as they were made (the quote and its context are the
 * authority); the position tried first is where the passage was last found, or for an orphan where it was made.
 * `anchored`: found at that position with the quoted text; `moved`: found elsewhere or only approximately;
 * `orphaned`: not found (never attached to some other passage).
 */
export function reanchor(anchorer: Anchorer, target: unknown, current: AnchorState): AnchorState {
  const selectors = selectorsOf(target);
  const quote = selectors.find((s) => s.type === 'TextQuoteSelector');
  const original = selectors.find((s) => s.type === 'TextPositionSelector');
  if (!quote) return { status: 'orphaned', start: null, end: null };
  const position: Selector | undefined =
    current.status !== 'orphaned' && current.start !== null && current.end !== null && current.end > current.start
      ? { type: 'TextPositionSelector', start: current.start, end: current.end }
      : original;
  const found = anchorer.anchor(position ? [position, quote] : [quote]);
  return found.status === 'orphaned'
    ? { status: 'orphaned', start: null, end: null }
    : { status: found.status, start: found.start, end: found.end };
}

export const sameAnchor = (a: AnchorState, b: AnchorState): boolean =>
  a.status === b.status && a.start === b.start && a.end === b.end;

export function emptyCounts(): ReanchorCounts {
  return { anchored: 0, moved: 0, orphaned: 0 };
}

interface StoredCitation {
  target: unknown;
  anchor?: Partial<AnchorState>;
}

/** A reply's cited passages re-anchored; null when none of them changed. */
export function reanchorCitations(anchorer: Anchorer, citations: unknown): StoredCitation[] | null {
  if (!Array.isArray(citations)) return null;
  let changed = false;
  const next = (citations as StoredCitation[]).map((c) => {
    const before: AnchorState = {
      status: c.anchor?.status ?? 'anchored',
      start: c.anchor?.start ?? null,
      end: c.anchor?.end ?? null,
    };
    const after = reanchor(anchorer, c.target, before);
    if (sameAnchor(before, after)) return c;
    changed = true;
    return { ...c, anchor: after };
  });
  return changed ? next : null;
}
