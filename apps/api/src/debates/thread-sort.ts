import type { AnnotationDto } from '@scholia/shared';

export type ThreadSort = 'document' | 'persuasive' | 'newest' | 'contested';

const live = (a: AnnotationDto) => a.replies.filter((r) => !r.deleted);

/** Votes on the annotation and its replies. */
export const persuasiveness = (a: AnnotationDto): number => a.votes + live(a).reduce((n, r) => n + r.votes, 0);

/**
 * How contested a thread is: its rebut and qualify replies, plus two for each position argued on both sides in it
 * (or for each extra position argued for).
 */
export function contestedness(a: AnnotationDto): number {
  const replies = live(a);
  const pushback = replies.filter((r) => r.move === 'rebut' || r.move === 'qualify').length;
  const stances = [a.stance, ...replies.map((r) => r.stance)].filter((s) => s !== null);
  const byDebate = new Map<string, { for: Set<string>; against: Set<string> }>();
  for (const s of stances) {
    const d = byDebate.get(s.debateId) ?? { for: new Set(), against: new Set() };
    d[s.side].add(s.positionId);
    byDebate.set(s.debateId, d);
  }
  let clashes = 0;
  for (const d of byDebate.values()) {
    clashes += [...d.for].filter((p) => d.against.has(p)).length;
    clashes += Math.max(0, d.for.size - 1);
  }
  return pushback + 2 * clashes;
}

/** Threads in the requested order; ties (and `document`) keep the order they came in (pinned first, then text order). */
export function sortThreads(items: AnnotationDto[], sort: ThreadSort | undefined): AnnotationDto[] {
  if (!sort || sort === 'document') return items;
  const key: (a: AnnotationDto) => number =
    sort === 'persuasive' ? persuasiveness : sort === 'contested' ? contestedness : (a) => Date.parse(a.created);
  return items
    .map((a, i) => ({ a, i, k: key(a) }))
    .sort((x, y) => Number(y.a.pinned) - Number(x.a.pinned) || y.k - x.k || x.i - y.i)
    .map((x) => x.a);
}
