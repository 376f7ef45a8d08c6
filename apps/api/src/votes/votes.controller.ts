import { Controller } from '@nestjs/common';
import { routes, type VoteResult } from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidParams } from '../common/endpoint.js';
import { VotesService } from './votes.service.js';

type Id = { id: string };

@Controller()
export class VotesController {
  constructor(private readonly votes: VotesService) {}

  @Endpoint(routes.voteAnnotation)
  annotation(@Auth() auth: AuthContext, @ValidParams(routes.voteAnnotation) p: Id): Promise<VoteResult> {
    return this.votes.toggle(auth, 'annotation', p.id);
  }

  @Endpoint(routes.voteReply)
  reply(@Auth() auth: AuthContext, @ValidParams(routes.voteReply) p: Id): Promise<VoteResult> {
    return this.votes.toggle(auth, 'reply', p.id);
  }
}
