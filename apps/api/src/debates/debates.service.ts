import { Injectable } from '@nestjs/common';
import type {
  CreateDebateBody,
  DebateBoard,
  DebateDto,
  DebateExportQuery,
  DebateList,
  PatchDebateBody,
  StanceHistory,
  StanceHistoryQuery,
} from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Clock } from '../common/clock.js';
import { forbidden, notFound } from '../common/problem.js';
import { EventBus } from '../events/event-bus.js';
import { EventRepository } from '../events/event.repository.js';
import { canTeach } from '../groups/groups.service.js';
import { type GroupAccess, MembershipRepository } from '../groups/membership.repository.js';
import type { Viewer } from '../annotations/annotation.mapper.js';
import { boardCsv, boardMarkdown, buildBoard } from './board.js';
import { DebateRepository, type DebateRow, type StanceSummary } from './debate.repository.js';
import { StancesService } from './stances.service.js';

export interface DebateExport {
  contentType: string;
  disposition: string;
  body: string;
}

const toBase = (d: DebateRow): Omit<DebateDto, 'viewer'> => ({
  id: d.id,
  documentId: d.documentId,
  documentTitle: d.document.title,
  groupSlug: d.document.group.slug,
  question: d.question,
  mode: d.mode === 'commit_reveal' ? 'commit-reveal' : 'open',
  status: d.status,
  revealAt: d.revealAt?.toISOString() ?? null,
  created: d.createdAt.toISOString(),
  createdBy: d.createdBy,
  positions: d.positions.map((p) => ({ id: p.id, title: p.title, statement: p.statement })),
});

@Injectable()
export class DebatesService {
  constructor(
    private readonly debates: DebateRepository,
    private readonly stances: StancesService,
    private readonly members: MembershipRepository,
    private readonly events: EventRepository,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  async listForDocument(auth: AuthContext, documentId: string): Promise<DebateList> {
    const access = await this.documentAccess(documentId, auth);
    return { items: await this.toDtos(await this.debates.listForDocument(documentId), auth, access) };
  }

  async listForGroup(auth: AuthContext, slug: string): Promise<DebateList> {
    const access = await this.members.bySlug(slug, auth.user.id);
    if (!access) throw notFound('That group');
    return { items: await this.toDtos(await this.debates.listForGroup(access.groupId), auth, access) };
  }

  async create(auth: AuthContext, documentId: string, body: CreateDebateBody): Promise<DebateDto> {
    const access = await this.documentAccess(documentId, auth);
    if (!canTeach(access.role)) throw forbidden('Only instructors can pose debates.');
    const group = await this.debates.groupOfDocument(documentId);
    const mode = body.mode ?? (group?.commitRevealDefault ? 'commit-reveal' : 'open');
    const { row, event } = await this.debates.transaction(async (tx) => {
      const row = await this.debates.create(tx, {
        documentId,
        question: body.question,
        mode: mode === 'commit-reveal' ? 'commit_reveal' : 'open',
        revealAt: body.revealAt ? new Date(body.revealAt) : null,
        createdById: auth.user.id,
        positions: body.positions.map((p) => ({ title: p.title, statement: p.statement ?? '' })),
      });
      return { row, event: await this.events.append(tx, documentId, 'debate.created', toBase(row)) };
    });
    this.bus.publish([event]);
    return (await this.toDtos([row], auth, access))[0]!;
  }

  async get(auth: AuthContext, id: string): Promise<DebateDto> {
    const { row, access } = await this.visible(auth, id);
    return (await this.toDtos([row], auth, access))[0]!;
  }

  async patch(auth: AuthContext, id: string, body: PatchDebateBody): Promise<DebateDto> {
    const { row, access } = await this.visible(auth, id);
    if (!canTeach(access.role)) throw forbidden('Only instructors can open, close or change a debate.');
    const { updated, event } = await this.debates.transaction(async (tx) => {
      const updated = await this.debates.update(tx, id, {
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(body.revealAt !== undefined ? { revealAt: body.revealAt === null ? null : new Date(body.revealAt) } : {}),
        ...(body.question !== undefined ? { question: body.question } : {}),
      });
      return { updated, event: await this.events.append(tx, row.documentId, 'debate.updated', toBase(updated)) };
    });
    this.bus.publish([event]);
    return (await this.toDtos([updated], auth, access))[0]!;
  }

  async board(auth: AuthContext, id: string): Promise<DebateBoard> {
    const { row, access } = await this.visible(auth, id);
    const viewer: Viewer = { userId: auth.user.id, moderator: canTeach(access.role) };
    const [debate] = await this.toDtos([row], auth, access);
    const [sealed, stances, text] = await Promise.all([
      this.stances.sealedFor(row.documentId, viewer),
      this.debates.boardStances(id, auth.user.id),
      this.debates.documentText(row.documentId),
    ]);
    return buildBoard(debate!, stances, viewer, sealed, text);
  }

  async export(auth: AuthContext, id: string, query: DebateExportQuery): Promise<DebateExport> {
    const board = await this.board(auth, id);
    const name = `debate-${id.slice(0, 8)}`;
    return query.format === 'csv'
      ? {
          contentType: 'text/csv; charset=utf-8',
          disposition: `attachment; filename="${name}.csv"`,
          body: boardCsv(board),
        }
      : {
          contentType: 'text/markdown; charset=utf-8',
          disposition: `attachment; filename="${name}.md"`,
          body: boardMarkdown(board, this.clock.now()),
        };
  }

  /** Stance history: instructors see anyone's (or everyone's), students only their own. */
  async history(auth: AuthContext, id: string, query: StanceHistoryQuery): Promise<StanceHistory> {
    const { access } = await this.visible(auth, id);
    const teacher = canTeach(access.role);
    if (!teacher && query.userId && query.userId !== auth.user.id)
      throw forbidden("Only instructors can see another member's stance history.");
    const rows = await this.debates.history(id, teacher ? query.userId : auth.user.id);
    return {
      items: rows.map((r) => ({
        id: r.id,
        user: r.user,
        positionId: r.positionId,
        side: r.side,
        annotationId: r.annotationId,
        replyId: r.replyId,
        created: r.createdAt.toISOString(),
        supersededAt: r.supersededAt?.toISOString() ?? null,
      })),
    };
  }

  private async toDtos(rows: DebateRow[], auth: AuthContext, access: GroupAccess): Promise<DebateDto[]> {
    const moderator = canTeach(access.role);
    const ids = rows.map((r) => r.id);
    const [current, revealed] = await Promise.all([
      this.debates.currentStances(ids, auth.user.id),
      this.debates.revealedBy(ids, auth.user.id),
    ]);
    const now = this.clock.now();
    return rows.map((r) => {
      const mine: StanceSummary | undefined = current.find((c) => c.debateId === r.id);
      const open = r.mode === 'open' || moderator || (r.revealAt !== null && r.revealAt <= now) || revealed.has(r.id);
      return {
        ...toBase(r),
        viewer: {
          canManage: moderator,
          revealed: open,
          stance: mine ? { positionId: mine.positionId, side: mine.side } : null,
        },
      };
    });
  }

  private async documentAccess(documentId: string, auth: AuthContext): Promise<GroupAccess> {
    const access = await this.members.byDocument(documentId, auth.user.id);
    if (!access) throw notFound('That document');
    return access;
  }

  private async visible(auth: AuthContext, id: string): Promise<{ row: DebateRow; access: GroupAccess }> {
    const row = await this.debates.find(id);
    const access = row && (await this.members.bySlug(row.document.group.slug, auth.user.id));
    if (!row || !access) throw notFound('That debate');
    return { row, access };
  }
}
