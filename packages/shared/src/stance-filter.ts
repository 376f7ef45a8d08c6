import type { AnnotationDto, StanceSide } from './schemas/annotations.js';

/** "Filter by position": a position, and optionally the side argued on it. */
export interface PositionFilter {
  position: string;
  side?: StanceSide | undefined;
}

/**
 * Whether a thread argues about the position: its note or one of its replies takes a stance on it (on `side`, when
 * given). It reads the stances as the viewer receives them, so under commit-then-reveal a sealed peer's argument
 * neither shows nor matches. The API's `position`/`side` query and the reader's filter both use it.
 */
export function arguesAbout(a: AnnotationDto, f: PositionFilter): boolean {
  const matches = (s: AnnotationDto['stance']) =>
    s !== null && s.positionId === f.position && (f.side === undefined || s.side === f.side);
  return (!a.deleted && matches(a.stance)) || a.replies.some((r) => !r.deleted && matches(r.stance));
}
