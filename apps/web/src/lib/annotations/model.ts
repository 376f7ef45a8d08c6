import {
  arguesAbout,
  type AnnotationDto,
  type AuthorRef,
  type ReplyDto,
  type ReplyMove,
  type StanceSide,
} from '@scholia/shared';

/** Reply moves, in the order the composer offers them, with their labels. */
export const MOVES: readonly { value: ReplyMove; label: string }[] = [
  { value: 'comment', label: 'Comment' },
  { value: 'support', label: 'Support' },
  { value: 'rebut', label: 'Rebut' },
  { value: 'qualify', label: 'Qualify' },
  { value: 'question', label: 'Question' },
  { value: 'source-request', label: 'Source request' },
];

export const moveLabel = (move: ReplyMove): string => MOVES.find((m) => m.value === move)?.label ?? move;

export interface ReplyNode {
  reply: ReplyDto;
  depth: number;
  children: ReplyNode[];
}

/** Nests a thread's flat replies by `parentId`, oldest first; a reply whose parent is missing goes to the top level. */
export function replyTree(replies: readonly ReplyDto[]): ReplyNode[] {
  const sorted = [...replies].sort((a, b) => a.created.localeCompare(b.created));
  const byId = new Map(sorted.map((r) => [r.id, r]));
  const children = new Map<string | null, ReplyDto[]>();
  for (const r of sorted) {
    const parent = r.parentId && byId.has(r.parentId) && r.parentId !== r.id ? r.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(r);
    children.set(parent, list);
  }
  const seen = new Set<string>();
  const build = (parent: string | null, depth: number): ReplyNode[] =>
    (children.get(parent) ?? [])
      .filter((r) => !seen.has(r.id) && seen.add(r.id))
      .map((reply) => ({ reply, depth, children: build(reply.id, depth + 1) }));
  return build(null, 0);
}

/** The quoted passage of an annotation. */
export function quoteOf(a: Pick<AnnotationDto, 'target'>): string {
  for (const s of a.target.selector) if (s.type === 'TextQuoteSelector') return s.exact;
  return '';
}

/** A passage shortened for a card: the start and the end of long quotes, on one line. */
export function excerpt(text: string, max = 180): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  if (chars.length <= max) return flat;
  const half = Math.floor((max - 3) / 2);
  return `${chars.slice(0, half).join('').trimEnd()} … ${chars.slice(-half).join('').trimStart()}`;
}

/** Orders annotations along the text: by start, then longer first, then older first. */
export function byPosition(a: AnnotationDto, b: AnnotationDto): number {
  return (
    (a.anchor.start ?? 0) - (b.anchor.start ?? 0) ||
    (b.anchor.end ?? 0) - (a.anchor.end ?? 0) ||
    a.created.localeCompare(b.created)
  );
}

export const isPlaced = (a: AnnotationDto): boolean =>
  a.anchor.status !== 'orphaned' && a.anchor.start !== null && a.anchor.end !== null && a.anchor.end > a.anchor.start;

// ----- Filters (kept in the page address so views can be linked) -----

export type StatusFilter = '' | 'anchored' | 'moved' | 'orphaned';
export type VisibilityFilter = '' | 'group' | 'private';

export interface Filters {
  mine: boolean;
  tag: string;
  /** An author's handle. */
  author: string;
  status: StatusFilter;
  visibility: VisibilityFilter;
  q: string;
  /** A debate position: threads arguing about it (`side`: only on that side). */
  position: string;
  side: '' | StanceSide;
}

export const NO_FILTERS: Filters = {
  mine: false,
  tag: '',
  author: '',
  status: '',
  visibility: '',
  q: '',
  position: '',
  side: '',
};

export function filtersFromUrl(params: URLSearchParams): Filters {
  const status = params.get('status') ?? '';
  const visibility = params.get('visibility') ?? '';
  const position = params.get('position')?.trim() ?? '';
  const side = params.get('side') ?? '';
  return {
    mine: params.get('mine') === 'true',
    tag: params.get('tag')?.trim() ?? '',
    author: params.get('author')?.trim().replace(/^@/, '') ?? '',
    status: (['anchored', 'moved', 'orphaned'].includes(status) ? status : '') as StatusFilter,
    visibility: (['group', 'private'].includes(visibility) ? visibility : '') as VisibilityFilter,
    q: params.get('q')?.trim().slice(0, 200) ?? '',
    position,
    side: position && (side === 'for' || side === 'against') ? side : '',
  };
}

/** Writes the filters into `url`'s query (the same parameter names as the API's). */
export function filtersToUrl(url: URL, f: Filters): URL {
  const out = new URL(url);
  for (const key of ['mine', 'tag', 'author', 'status', 'visibility', 'q', 'position', 'side'])
    out.searchParams.delete(key);
  if (f.mine) out.searchParams.set('mine', 'true');
  if (f.tag) out.searchParams.set('tag', f.tag);
  if (f.author) out.searchParams.set('author', f.author);
  if (f.status) out.searchParams.set('status', f.status);
  if (f.visibility) out.searchParams.set('visibility', f.visibility);
  if (f.q) out.searchParams.set('q', f.q);
  if (f.position) out.searchParams.set('position', f.position);
  if (f.position && f.side) out.searchParams.set('side', f.side);
  return out;
}

/**
 * The debate whose positions colour the highlights (`?debate=ID`). It is a way of looking, not a filter: it hides
 * nothing, and clearing the filters keeps it.
 */
export const debateFromUrl = (params: URLSearchParams): string => params.get('debate')?.trim() ?? '';

export function debateToUrl(url: URL, debateId: string): URL {
  const out = new URL(url);
  if (debateId) out.searchParams.set('debate', debateId);
  else out.searchParams.delete('debate');
  return out;
}

export const hasFilters = (f: Filters): boolean =>
  f.mine || !!f.tag || !!f.author || !!f.status || !!f.visibility || !!f.q || !!f.position;

/**
 * Whether an annotation passes the filters. The full-text search runs on the server: `matches` holds the ids it found
 * (null when there is no search).
 */
export function passes(a: AnnotationDto, f: Filters, me: string, matches: ReadonlySet<string> | null): boolean {
  if (f.mine && a.author?.id !== me) return false;
  if (f.tag && !a.tags.includes(f.tag)) return false;
  if (f.author && a.author?.handle !== f.author) return false;
  if (f.status && a.anchor.status !== f.status) return false;
  if (f.visibility && a.visibility !== f.visibility) return false;
  if (f.position && !arguesAbout(a, { position: f.position, side: f.side || undefined })) return false;
  if (matches && !matches.has(a.id)) return false;
  return true;
}

/** Distinct authors and tags of the annotations, sorted, for the filter menus. */
export function facets(items: readonly AnnotationDto[]): { authors: AuthorRef[]; tags: string[] } {
  const authors = new Map<string, AuthorRef>();
  const tags = new Set<string>();
  for (const a of items) {
    if (a.author) authors.set(a.author.id, a.author);
    for (const t of a.tags) tags.add(t);
  }
  return {
    authors: [...authors.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)),
    tags: [...tags].sort((a, b) => a.localeCompare(b)),
  };
}

/** Splits "a, b,, c" into tags. */
export function parseTags(input: string): string[] {
  return [
    ...new Set(
      input
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ].slice(0, 20);
}

/** Counts replies that are not deleted. */
export const replyCount = (a: AnnotationDto): number => a.replies.filter((r) => !r.deleted).length;

/** The note being written (kept in sessionStorage until it is posted or discarded). */
export interface NoteDraft {
  start: number | null;
  end: number | null;
  /** The passage's text when it was chosen, to check it against the text on restore. */
  exact: string;
  text: string;
  tags: string;
  visibility: 'group' | 'private';
  /** The position the note takes a stance on ('' for none), with the note's passage as evidence. */
  positionId: string;
  side: StanceSide;
}

export const emptyDraft = (): NoteDraft => ({
  start: null,
  end: null,
  exact: '',
  text: '',
  tags: '',
  visibility: 'group',
  positionId: '',
  side: 'for',
});

/** A place in the text found by its words, with some context either side. */
export interface Match {
  start: number;
  end: number;
  before: string;
  match: string;
  after: string;
}
