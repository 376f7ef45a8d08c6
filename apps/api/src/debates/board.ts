import { sliceByCodePoints } from '@scholia/anchoring';
import type {
  ArgumentDto,
  BoardPosition,
  ContestedPassage,
  DebateBoard,
  DebateDto,
  Participant,
  Passage,
  StanceSide,
  Target,
} from '@scholia/shared';
import type { Viewer } from '../annotations/annotation.mapper.js';
import type { BoardStanceRow } from './debate.repository.js';

const EXCERPT_CHARS = 400;

export const excerpt = (text: string, max = EXCERPT_CHARS): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max
    ? flat
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
};

interface Moderable {
  authorId: string;
  deletedAt: Date | null;
  hiddenAt: Date | null;
  removedAt: Date | null;
  review: string;
}

/** Whether `viewer` may see the item at all (as the annotation mapper decides): not deleted, removed or pending for them. */
const present = (item: Moderable, viewer: Viewer): boolean =>
  item.deletedAt === null &&
  (viewer.moderator || (item.removedAt === null && (item.review === 'approved' || item.authorId === viewer.userId)));

const masked = (item: Moderable, viewer: Viewer): boolean =>
  item.hiddenAt !== null && !viewer.moderator && item.authorId !== viewer.userId;

const quoteOf = (target: Target | undefined): string => {
  const q = target?.selector.find((s) => s.type === 'TextQuoteSelector');
  return q && 'exact' in q ? q.exact : '';
};

type Citation = { target: Target; anchor: { start: number | null; end: number | null } };

/** One stance as an argument `viewer` may see, or null. `sealed`: the document's debates sealed for them. */
export function toArgument(s: BoardStanceRow, viewer: Viewer, sealed: ReadonlySet<string>): ArgumentDto | null {
  const own = s.userId === viewer.userId;
  if (!own && sealed.has(s.debateId)) return null;
  const base = {
    stanceId: s.id,
    author: s.user,
    positionId: s.positionId,
    side: s.side,
    current: s.supersededAt === null,
  };
  if (s.annotation) {
    const a = s.annotation;
    if (!present(a, viewer) || (a.visibility === 'private' && a.authorId !== viewer.userId)) return null;
    const hidden = masked(a, viewer);
    return {
      ...base,
      kind: 'annotation',
      annotationId: a.id,
      replyId: null,
      passages: [{ start: a.start, end: a.end, exact: a.exact }],
      evidence: 'passage',
      excerpt: hidden ? '' : excerpt(a.text),
      hidden,
      votes: a._count.votes,
      voted: a.votes.length > 0,
      created: a.createdAt.toISOString(),
    };
  }
  if (s.reply) {
    const r = s.reply;
    const thread = r.annotation;
    if (!present(r, viewer)) return null;
    // The thread itself must be visible: not private to someone else, not removed or pending, not sealed.
    if (thread.visibility === 'private' && thread.authorId !== viewer.userId) return null;
    if (
      !viewer.moderator &&
      (thread.removedAt !== null || (thread.review !== 'approved' && thread.authorId !== viewer.userId))
    )
      return null;
    if (thread.authorId !== viewer.userId && thread.stances.some((t) => sealed.has(t.debateId))) return null;
    const hidden = masked(r, viewer);
    const citations = (r.citations as Citation[] | null) ?? [];
    const passages: Passage[] = hidden
      ? []
      : citations.length
        ? citations.map((c) => ({ start: c.anchor.start, end: c.anchor.end, exact: quoteOf(c.target) }))
        : [{ start: thread.start, end: thread.end, exact: thread.exact }];
    return {
      ...base,
      kind: 'reply',
      annotationId: r.annotationId,
      replyId: r.id,
      passages,
      evidence: citations.length ? 'citations' : 'thread',
      excerpt: hidden ? '' : excerpt(r.text),
      hidden,
      votes: r._count.votes,
      voted: r.votes.length > 0,
      created: r.createdAt.toISOString(),
    };
  }
  return null;
}

/** Document order: by where the first passage starts (orphans last), then by time. */
const byDocumentOrder = (a: ArgumentDto, b: ArgumentDto): number => {
  const sa = a.passages[0]?.start ?? Number.MAX_SAFE_INTEGER;
  const sb = b.passages[0]?.start ?? Number.MAX_SAFE_INTEGER;
  return sa - sb || a.created.localeCompare(b.created);
};

/** Two arguments oppose each other: for and against one position, or for two different positions. */
const opposed = (a: ArgumentDto, b: ArgumentDto): boolean =>
  a.positionId === b.positionId ? a.side !== b.side : a.side === 'for' && b.side === 'for';

/**
 * Ranges cited on opposing sides, where they overlap: each group of overlapping, opposed citations becomes one
 * contested passage spanning them, with who cited it on which side.
 */
export function contestedPassages(args: ArgumentDto[], text: string): ContestedPassage[] {
  const cites = args.flatMap((arg) =>
    arg.passages.flatMap((p) =>
      p.start !== null && p.end !== null && p.end > p.start ? [{ arg, start: p.start, end: p.end }] : [],
    ),
  );
  const parent = cites.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const inPair = new Set<number>();
  for (let i = 0; i < cites.length; i++) {
    for (let j = i + 1; j < cites.length; j++) {
      const a = cites[i]!;
      const b = cites[j]!;
      if (a.start < b.end && b.start < a.end && opposed(a.arg, b.arg)) {
        parent[find(i)] = find(j);
        inPair.add(i).add(j);
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (const i of inPair) {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  }
  const out: ContestedPassage[] = [];
  for (const members of groups.values()) {
    const start = Math.min(...members.map((i) => cites[i]!.start));
    const end = Math.max(...members.map((i) => cites[i]!.end));
    const sides = new Map<string, { positionId: string; side: StanceSide; argumentIds: string[] }>();
    for (const i of members) {
      const { arg } = cites[i]!;
      const key = `${arg.positionId}:${arg.side}`;
      const entry = sides.get(key) ?? { positionId: arg.positionId, side: arg.side, argumentIds: [] };
      if (!entry.argumentIds.includes(arg.stanceId)) entry.argumentIds.push(arg.stanceId);
      sides.set(key, entry);
    }
    out.push({ start, end, exact: sliceByCodePoints(text, start, end), sides: [...sides.values()] });
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Who has argued what: per person, their current stance and the positions and sides they argued. */
export function participants(args: ArgumentDto[]): Participant[] {
  const byUser = new Map<string, ArgumentDto[]>();
  for (const a of [...args].sort((x, y) => x.created.localeCompare(y.created)))
    byUser.set(a.author.id, [...(byUser.get(a.author.id) ?? []), a]);
  return [...byUser.values()]
    .map((list) => {
      const current = list.find((a) => a.current);
      const argued = new Map<string, { positionId: string; side: StanceSide; count: number }>();
      for (const a of list) {
        const key = `${a.positionId}:${a.side}`;
        const entry = argued.get(key) ?? { positionId: a.positionId, side: a.side, count: 0 };
        entry.count += 1;
        argued.set(key, entry);
      }
      return {
        user: list[0]!.author,
        current: current ? { positionId: current.positionId, side: current.side } : null,
        argued: [...argued.values()],
        changed: argued.size > 1,
      };
    })
    .sort((a, b) => a.user.displayName.localeCompare(b.user.displayName));
}

/** The board for `viewer` from every stance of the debate. */
export function buildBoard(
  debate: DebateDto,
  stances: BoardStanceRow[],
  viewer: Viewer,
  sealed: ReadonlySet<string>,
  text: string,
): DebateBoard {
  const args = stances.map((s) => toArgument(s, viewer, sealed)).filter((a): a is ArgumentDto => a !== null);
  args.sort(byDocumentOrder);
  const people = participants(args);
  const positions: BoardPosition[] = debate.positions.map((p) => {
    const mine = args.filter((a) => a.positionId === p.id);
    const forArgs = mine.filter((a) => a.side === 'for');
    const againstArgs = mine.filter((a) => a.side === 'against');
    return {
      ...p,
      counts: {
        for: forArgs.length,
        against: againstArgs.length,
        holdersFor: people.filter((u) => u.current?.positionId === p.id && u.current.side === 'for').length,
        holdersAgainst: people.filter((u) => u.current?.positionId === p.id && u.current.side === 'against').length,
      },
      for: forArgs,
      against: againstArgs,
    };
  });
  return {
    debate,
    positions,
    contested: contestedPassages(args, text),
    participants: people,
    sealed: sealed.has(debate.id),
  };
}

// ----- Exports -----

const SIDE = { for: 'For', against: 'Against' } as const;

const range = (p: Passage): string =>
  p.start !== null && p.end !== null ? ` [${p.start}–${p.end}]` : ' [not found in the current text]';

const quoteLines = (s: string): string =>
  s
    .split(/\r?\n/)
    .map((l) => `> ${l}`)
    .join('\n');

/** The board as Markdown: the question, each position with its arguments and their quoted evidence. */
export function boardMarkdown(board: DebateBoard, exportedAt: Date): string {
  const d = board.debate;
  const title = (id: string) => board.positions.find((p) => p.id === id)?.title ?? 'a position';
  const out: string[] = [
    `# ${d.question}`,
    '',
    `Document: ${d.documentTitle} · Mode: ${d.mode} · Status: ${d.status}${d.revealAt ? ` · Reveal: ${d.revealAt}` : ''} · Exported ${exportedAt.toISOString()}`,
    '',
  ];
  if (board.sealed)
    out.push(
      '_Commit-then-reveal: only your own arguments are shown until you post a stance or the reveal time passes._',
      '',
    );
  board.positions.forEach((p, i) => {
    out.push(`## ${i + 1}. ${p.title}`, '');
    if (p.statement) out.push(p.statement, '');
    for (const side of ['for', 'against'] as const) {
      const list = p[side];
      out.push(`### ${SIDE[side]} (${list.length})`, '');
      if (list.length === 0) out.push('_No arguments yet._', '');
      for (const a of list) {
        const who = `**${a.author.displayName}** (@${a.author.handle})`;
        const meta = `${a.created.slice(0, 10)}, ${a.votes} ${a.votes === 1 ? 'vote' : 'votes'}${a.current ? '' : ', since changed position'}`;
        out.push(`- ${who}, ${meta}: ${a.hidden ? '_hidden by a moderator_' : a.excerpt || '_(no note)_'}`);
        for (const passage of a.passages)
          out.push('', quoteLines(`“${passage.exact}”${range(passage)}`).replace(/^/gm, '  '));
        out.push('');
      }
    }
  });
  out.push('## Contested passages', '');
  if (board.contested.length === 0) out.push('_None yet._', '');
  for (const c of board.contested) {
    const sides = c.sides
      .map((s) => `${SIDE[s.side].toLowerCase()} “${title(s.positionId)}” (${s.argumentIds.length})`)
      .join('; ');
    out.push(`- “${excerpt(c.exact, 300)}” [${c.start}–${c.end}]: ${sides}`);
  }
  out.push('', '## Who argued what', '', '| Person | Current stance | Argued |', '| --- | --- | --- |');
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  for (const u of board.participants) {
    const current = u.current ? `${SIDE[u.current.side]} ${title(u.current.positionId)}` : '—';
    const argued = u.argued.map((x) => `${SIDE[x.side].toLowerCase()} ${title(x.positionId)} (${x.count})`).join('; ');
    out.push(`| ${cell(u.user.displayName)} | ${cell(current)} | ${cell(argued)} |`);
  }
  return out.join('\n') + '\n';
}

/** A CSV cell: quoted when needed, and defused when a spreadsheet would read it as a formula. */
const csvCell = (v: string | number | boolean | null): string => {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const BOARD_CSV_COLUMNS = [
  'position',
  'side',
  'author',
  'handle',
  'kind',
  'annotation_id',
  'reply_id',
  'current',
  'created',
  'votes',
  'starts',
  'ends',
  'quotes',
  'text',
] as const;

/** One row per argument, in the board's order. */
export function boardCsv(board: DebateBoard): string {
  const rows: (string | number | boolean | null)[][] = [[...BOARD_CSV_COLUMNS]];
  for (const p of board.positions) {
    for (const a of [...p.for, ...p.against]) {
      rows.push([
        p.title,
        a.side,
        a.author.displayName,
        a.author.handle,
        a.kind,
        a.annotationId,
        a.replyId,
        a.current,
        a.created,
        a.votes,
        a.passages.map((x) => x.start ?? '').join(';'),
        a.passages.map((x) => x.end ?? '').join(';'),
        a.passages.map((x) => x.exact).join(' | '),
        a.hidden ? '' : a.excerpt,
      ]);
    }
  }
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
