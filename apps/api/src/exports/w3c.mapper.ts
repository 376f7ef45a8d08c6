import {
  ANNO_CONTEXT,
  type AnnotationDto,
  type AuthorRef,
  type LdAnnotation,
  type ReplyDto,
  type Target,
} from '@scholia/shared';
import type { Viewer } from '../annotations/annotation.mapper.js';
import type { CsvCell } from './csv.js';

/** Where the export's IRIs point: everything is absolute, built from the public origin. */
export interface ExportContext {
  origin: string;
  documentId: string;
  groupSlug: string;
  viewer: Viewer;
}

/** One exported item: an annotation, or a reply in its thread. */
export interface ThreadItem {
  annotation: AnnotationDto;
  reply: ReplyDto | null;
}

export const HIDDEN_PLACEHOLDER = 'Hidden by a moderator';

export const annotationIri = (c: ExportContext, id: string): string => `${c.origin}/api/annotations/${id}`;
export const replyIri = (c: ExportContext, id: string): string => `${c.origin}/api/replies/${id}`;
export const userIri = (c: ExportContext, id: string): string => `${c.origin}/users/${id}`;
/** The reader page of the document: what a person opening the target's source sees. */
export const documentIri = (c: ExportContext): string => `${c.origin}/groups/${c.groupSlug}/documents/${c.documentId}`;

/**
 * The annotations (as the caller may see them) and their replies in document order, each annotation followed by its
 * thread. A deleted reply stays only as a placeholder for the replies under it; with none, it is left out.
 */
export function flatten(annotations: AnnotationDto[]): ThreadItem[] {
  const out: ThreadItem[] = [];
  for (const annotation of annotations) {
    out.push({ annotation, reply: null });
    const children = new Map<string, ReplyDto[]>();
    for (const r of annotation.replies) {
      if (r.parentId) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r]);
    }
    const kept = new Map<string, boolean>();
    const keep = (r: ReplyDto, depth = 0): boolean => {
      const known = kept.get(r.id);
      if (known !== undefined) return known;
      const result = !r.deleted || (depth < 1000 && (children.get(r.id) ?? []).some((c) => keep(c, depth + 1)));
      kept.set(r.id, result);
      return result;
    };
    for (const reply of annotation.replies) if (keep(reply)) out.push({ annotation, reply });
  }
  return out;
}

/** Hidden by a moderator and the caller is neither its author nor an instructor: only a placeholder is exported. */
function masked(item: { moderation: { hidden: boolean }; author: AuthorRef | null }, viewer: Viewer): boolean {
  return item.moderation.hidden && !viewer.moderator && item.author?.id !== viewer.userId;
}

/** The words of an item as the caller may see them, and how they are written. */
function content(
  item: AnnotationDto | ReplyDto,
  viewer: Viewer,
): { value: string; format: 'text/markdown' | 'text/plain' } | null {
  if (item.deleted) return null;
  if (masked(item, viewer)) return { value: HIDDEN_PLACEHOLDER, format: 'text/plain' };
  return item.text.trim() ? { value: item.text, format: 'text/markdown' } : null;
}

function person(c: ExportContext, a: AuthorRef): NonNullable<LdAnnotation['creator']> {
  return { id: userIri(c, a.id), type: 'Person', name: a.displayName, nickname: a.handle };
}

type LdSelector =
  | { type: 'TextPositionSelector'; start: number; end: number }
  | { type: 'TextQuoteSelector'; exact: string; prefix?: string; suffix?: string };

/**
 * The selectors of a passage against the document's current text (positions in code points). The quote is kept as it
 * was made; the position is where the passage is anchored now (the stored one unless a revision moved it), and is
 * left out for an orphan, which no longer has one.
 */
function selectors(target: Target, anchor: { start: number | null; end: number | null }): LdSelector[] {
  const out: LdSelector[] = [];
  if (anchor.start !== null && anchor.end !== null && anchor.end > anchor.start) {
    out.push({ type: 'TextPositionSelector', start: anchor.start, end: anchor.end });
  }
  const quote = target.selector.find((s) => s.type === 'TextQuoteSelector');
  if (quote) {
    out.push({
      type: 'TextQuoteSelector',
      exact: quote.exact,
      ...(quote.prefix ? { prefix: quote.prefix } : {}),
      ...(quote.suffix ? { suffix: quote.suffix } : {}),
    });
  }
  return out;
}

const one = <T>(list: T[]): T | T[] | undefined => (list.length === 0 ? undefined : list.length === 1 ? list[0] : list);

/** A W3C Web Annotation for an annotation or a reply, with its own `@context` so that each item stands alone. */
export function toLdAnnotation(item: ThreadItem, c: ExportContext): LdAnnotation {
  return item.reply ? ldReply(item.annotation, item.reply, c) : ldAnnotation(item.annotation, c);
}

function ldAnnotation(a: AnnotationDto, c: ExportContext): LdAnnotation {
  const note = content(a, c.viewer);
  const bodies: Record<string, string>[] = [];
  if (note) bodies.push({ type: 'TextualBody', value: note.value, format: note.format, purpose: 'commenting' });
  if (!a.deleted && !masked(a, c.viewer))
    for (const tag of a.tags) bodies.push({ type: 'TextualBody', value: tag, purpose: 'tagging' });
  const body = one(bodies);
  return {
    '@context': ANNO_CONTEXT,
    id: annotationIri(c, a.id),
    type: 'Annotation',
    ...(a.deleted ? {} : { motivation: note ? 'commenting' : 'highlighting' }),
    created: a.created,
    modified: a.updated,
    ...(a.author ? { creator: person(c, a.author) } : {}),
    ...(body ? { body: body as LdAnnotation['body'] } : {}),
    target: { type: 'SpecificResource', source: documentIri(c), selector: selectors(a.target, a.anchor) },
  };
}

function ldReply(a: AnnotationDto, r: ReplyDto, c: ExportContext): LdAnnotation {
  const note = content(r, c.viewer);
  const bodies: Record<string, string>[] = [];
  if (note) bodies.push({ type: 'TextualBody', value: note.value, format: note.format, purpose: 'replying' });
  // The argumentative move (support, rebut, …) classifies the reply; a plain comment needs no label.
  if (!r.deleted && !masked(r, c.viewer) && r.move !== 'comment')
    bodies.push({ type: 'TextualBody', value: r.move, purpose: 'classifying' });
  const body = one(bodies);
  const answers = r.parentId ? replyIri(c, r.parentId) : annotationIri(c, a.id);
  const cited = r.citations.map((x) => ({
    type: 'SpecificResource' as const,
    source: documentIri(c),
    selector: selectors(x.target, x.anchor),
  }));
  return {
    '@context': ANNO_CONTEXT,
    id: replyIri(c, r.id),
    type: 'Annotation',
    ...(r.deleted ? {} : { motivation: 'replying' }),
    created: r.created,
    modified: r.updated,
    ...(r.author ? { creator: person(c, r.author) } : {}),
    ...(body ? { body: body as LdAnnotation['body'] } : {}),
    target: cited.length ? [answers, ...cited] : answers,
  };
}

function moderationState(item: AnnotationDto | ReplyDto): string {
  const states: string[] = [];
  if (item.deleted) states.push('deleted');
  if (item.moderation.hidden) states.push('hidden');
  if (item.moderation.pending) states.push('pending');
  return states.join('; ');
}

/** One CSV row (see EXPORT_CSV_COLUMNS) for an annotation or a reply. */
export function toCsvRow(item: ThreadItem, c: ExportContext): CsvCell[] {
  const { annotation: a, reply: r } = item;
  const text = content(r ?? a, c.viewer)?.value ?? '';
  if (r) {
    return [
      r.id,
      'reply',
      r.parentId ?? a.id,
      r.author?.displayName ?? '',
      r.author?.handle ?? '',
      r.created,
      '',
      null,
      null,
      '',
      '',
      a.visibility,
      r.deleted ? '' : r.move,
      moderationState(r),
      text,
    ];
  }
  const quote = a.target.selector.find((s) => s.type === 'TextQuoteSelector');
  return [
    a.id,
    'annotation',
    '',
    a.author?.displayName ?? '',
    a.author?.handle ?? '',
    a.created,
    quote?.exact ?? '',
    a.anchor.start,
    a.anchor.end,
    a.anchor.status,
    a.deleted || masked(a, c.viewer) ? '' : a.tags.join('; '),
    a.visibility,
    '',
    moderationState(a),
    text,
  ];
}
