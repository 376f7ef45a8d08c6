import { Controller, Res } from '@nestjs/common';
import {
  type CreateDebateBody,
  type DebateBoard,
  type DebateDto,
  type DebateExportQuery,
  type DebateList,
  type PatchDebateBody,
  routes,
  type StanceHistory,
  type StanceHistoryQuery,
} from '@scholia/shared';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidBody, ValidParams, ValidQuery } from '../common/endpoint.js';
import { DebatesService } from './debates.service.js';

type Id = { id: string };

@Controller()
export class DebatesController {
  constructor(private readonly debates: DebatesService) {}

  @Endpoint(routes.listDebates)
  list(@Auth() auth: AuthContext, @ValidParams(routes.listDebates) p: Id): Promise<DebateList> {
    return this.debates.listForDocument(auth, p.id);
  }

  @Endpoint(routes.createDebate)
  create(
    @Auth() auth: AuthContext,
    @ValidParams(routes.createDebate) p: Id,
    @ValidBody(routes.createDebate) body: CreateDebateBody,
  ): Promise<DebateDto> {
    return this.debates.create(auth, p.id, body);
  }

  @Endpoint(routes.listGroupDebates)
  listForGroup(
    @Auth() auth: AuthContext,
    @ValidParams(routes.listGroupDebates) p: { slug: string },
  ): Promise<DebateList> {
    return this.debates.listForGroup(auth, p.slug);
  }

  @Endpoint(routes.getDebate)
  get(@Auth() auth: AuthContext, @ValidParams(routes.getDebate) p: Id): Promise<DebateDto> {
    return this.debates.get(auth, p.id);
  }

  @Endpoint(routes.patchDebate)
  patch(
    @Auth() auth: AuthContext,
    @ValidParams(routes.patchDebate) p: Id,
    @ValidBody(routes.patchDebate) body: PatchDebateBody,
  ): Promise<DebateDto> {
    return this.debates.patch(auth, p.id, body);
  }

  @Endpoint(routes.debateBoard)
  board(@Auth() auth: AuthContext, @ValidParams(routes.debateBoard) p: Id): Promise<DebateBoard> {
    return this.debates.board(auth, p.id);
  }

  @Endpoint(routes.exportDebate)
  async export(
    @Auth() auth: AuthContext,
    @ValidParams(routes.exportDebate) p: Id,
    @ValidQuery(routes.exportDebate) q: DebateExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const out = await this.debates.export(auth, p.id, q);
    res.setHeader('Content-Type', out.contentType);
    res.setHeader('Content-Disposition', out.disposition);
    return out.body;
  }

  @Endpoint(routes.stanceHistory)
  history(
    @Auth() auth: AuthContext,
    @ValidParams(routes.stanceHistory) p: Id,
    @ValidQuery(routes.stanceHistory) q: StanceHistoryQuery,
  ): Promise<StanceHistory> {
    return this.debates.history(auth, p.id, q);
  }
}
