import type { AnnotationDto, DebateDto, PositionDto, StanceRef, StanceSide } from '@scholia/shared';
import { accentColor, markBackground, positionBase, positionPattern, type Rgb } from './colors';
import { isPlaced } from './model';

/**
 * Debates seen from the reader: which highlights take which stance, where each position's evidence lies, and how the
 * positions are drawn. Everything works on what this reader may see: under commit-then-reveal the API leaves out
 * peers' arguments until the reader has posted their own, so nothing here needs to know about sealing.
 */

export const SIDES: readonly StanceSide[] = ['for', 'against'];
export const sideLabel = (side: StanceSide): string => (side === 'for' ? 'For' : 'Against');

/** How one position is drawn: highlight background, accent (underline, swatch edge, minimap) and hatching. */
export interface PositionStyle {
  position: PositionDto;
  /** 1-based, as the legend and the debate board number positions. */
  number: number;
  base: Rgb;
  background: string;
  accent: string;
  pattern: string;
}

export function positionStyles(debate: DebateDto): Map<string, PositionStyle> {
  return new Map(
    debate.positions.map((position, i) => {
      const base = positionBase(i);
      const accent = accentColor(base);
      return [
        position.id,
        {
          position,
          number: i + 1,
          base,
          background: markBackground(base, 1),
          accent,
          pattern: positionPattern(i, accent),
        },
      ];
    }),
  );
}

/** A piece of evidence: a passage an annotation or reply cites for or against a position. */
export interface Evidence {
  /** Unique per passage (an annotation id, or a reply id with the citation's index). */
  key: string;
  /** The note to open for it. */
  annotationId: string;
  positionId: string;
  side: StanceSide;
  start: number;
  end: number;
}

const inDebate = (stance: StanceRef | null, debateId: string): stance is StanceRef =>
  stance !== null && stance.debateId === debateId;

/**
 * Every passage cited as evidence in the debate, as the API counts it: an annotation's own passage; a reply's
 * citations, or, when it cites none, its thread's passage.
 */
export function debateEvidence(items: readonly AnnotationDto[], debateId: string): Evidence[] {
  const out: Evidence[] = [];
  for (const a of items) {
    if (a.deleted) continue;
    const placed = isPlaced(a);
    if (inDebate(a.stance, debateId) && placed)
      out.push({ key: a.id, annotationId: a.id, ...pick(a.stance), start: a.anchor.start!, end: a.anchor.end! });
    for (const r of a.replies) {
      const stance = r.stance;
      if (r.deleted || !inDebate(stance, debateId)) continue;
      const cited = r.citations.filter((c) => c.anchor.status !== 'orphaned' && c.anchor.start !== null);
      if (cited.length)
        cited.forEach((c, i) =>
          out.push({
            key: `${r.id}:${i}`,
            annotationId: a.id,
            ...pick(stance),
            start: c.anchor.start!,
            end: c.anchor.end ?? c.anchor.start! + 1,
          }),
        );
      else if (placed && r.citations.length === 0)
        out.push({ key: r.id, annotationId: a.id, ...pick(stance), start: a.anchor.start!, end: a.anchor.end! });
    }
  }
  return out.sort((x, y) => x.start - y.start || x.end - y.end);
}

const pick = (s: StanceRef) => ({ positionId: s.positionId, side: s.side });

export type SideCounts = Record<StanceSide, number>;

/** Arguments (annotations and replies taking a stance) per position and side, placed in the text or not. */
export function stanceCounts(items: readonly AnnotationDto[], debate: DebateDto): Map<string, SideCounts> {
  const counts = new Map(debate.positions.map((p) => [p.id, { for: 0, against: 0 }]));
  const add = (s: StanceRef | null) => {
    if (!inDebate(s, debate.id)) return;
    const c = counts.get(s.positionId);
    if (c) c[s.side]++;
  };
  for (const a of items) {
    if (a.deleted) continue;
    add(a.stance);
    for (const r of a.replies) if (!r.deleted) add(r.stance);
  }
  return counts;
}

/** "For “Permanent revolution”": a stance in words, for labels and descriptions. */
export function stanceText(debate: DebateDto, s: { positionId: string; side: StanceSide }): string {
  const title = debate.positions.find((p) => p.id === s.positionId)?.title ?? 'a position';
  return `${sideLabel(s.side)} “${title}”`;
}

/** The id of the hidden element describing a stance, which highlights point at with aria-describedby. */
export const stanceDescriptionId = (positionId: string, side: StanceSide): string => `stance-${positionId}-${side}`;

/** The debate a stance was taken in, among the document's debates. */
export const debateOf = (debates: readonly DebateDto[], s: StanceRef | null): DebateDto | undefined =>
  s ? debates.find((d) => d.id === s.debateId) : undefined;

/** Debates that take new stances (closed ones do not: the API answers 409). */
export const openDebates = (debates: readonly DebateDto[]): DebateDto[] => debates.filter((d) => d.status === 'open');
