import { Controller } from '@nestjs/common';
import {
  type CreateGroupBody,
  type CreateInviteBody,
  type GroupDto,
  type GroupList,
  type InviteDto,
  type JoinBody,
  type JoinResult,
  routes,
} from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidBody, ValidParams } from '../common/endpoint.js';
import { GroupsService } from './groups.service.js';

@Controller()
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Endpoint(routes.listGroups)
  list(@Auth() auth: AuthContext): Promise<GroupList> {
    return this.groups.listMine(auth);
  }

  @Endpoint(routes.createGroup)
  create(@Auth() auth: AuthContext, @ValidBody(routes.createGroup) body: CreateGroupBody): Promise<GroupDto> {
    return this.groups.create(auth, body);
  }

  @Endpoint(routes.joinGroup)
  join(@Auth() auth: AuthContext, @ValidBody(routes.joinGroup) body: JoinBody): Promise<JoinResult> {
    return this.groups.join(auth, body.code);
  }

  @Endpoint(routes.getGroup)
  get(@Auth() auth: AuthContext, @ValidParams(routes.getGroup) p: { slug: string }): Promise<GroupDto> {
    return this.groups.get(auth, p.slug);
  }

  @Endpoint(routes.createInvite)
  invite(
    @Auth() auth: AuthContext,
    @ValidParams(routes.createInvite) p: { slug: string },
    @ValidBody(routes.createInvite) body: CreateInviteBody,
  ): Promise<InviteDto> {
    return this.groups.createInvite(auth, p.slug, body);
  }
}
