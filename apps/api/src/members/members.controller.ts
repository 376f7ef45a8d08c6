import { Controller } from '@nestjs/common';
import {
  type GroupDto,
  type InviteList,
  type MemberDto,
  type MemberList,
  type PatchGroupBody,
  type PatchMemberBody,
  routes,
} from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidBody, ValidParams } from '../common/endpoint.js';
import { MembersService } from './members.service.js';

type Slug = { slug: string };
type Member = { slug: string; userId: string };

@Controller()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Endpoint(routes.updateGroup)
  update(
    @Auth() auth: AuthContext,
    @ValidParams(routes.updateGroup) p: Slug,
    @ValidBody(routes.updateGroup) body: PatchGroupBody,
  ): Promise<GroupDto> {
    return this.members.updateGroup(auth, p.slug, body);
  }

  @Endpoint(routes.deleteGroup)
  remove(@Auth() auth: AuthContext, @ValidParams(routes.deleteGroup) p: Slug): Promise<void> {
    return this.members.deleteGroup(auth, p.slug);
  }

  @Endpoint(routes.listInvites)
  invites(@Auth() auth: AuthContext, @ValidParams(routes.listInvites) p: Slug): Promise<InviteList> {
    return this.members.invites(auth, p.slug);
  }

  @Endpoint(routes.revokeInvite)
  revokeInvite(
    @Auth() auth: AuthContext,
    @ValidParams(routes.revokeInvite) p: { slug: string; id: string },
  ): Promise<void> {
    return this.members.revokeInvite(auth, p.slug, p.id);
  }

  @Endpoint(routes.listMembers)
  list(@Auth() auth: AuthContext, @ValidParams(routes.listMembers) p: Slug): Promise<MemberList> {
    return this.members.members(auth, p.slug);
  }

  @Endpoint(routes.updateMember)
  changeRole(
    @Auth() auth: AuthContext,
    @ValidParams(routes.updateMember) p: Member,
    @ValidBody(routes.updateMember) body: PatchMemberBody,
  ): Promise<MemberDto> {
    return this.members.changeRole(auth, p.slug, p.userId, body.role);
  }

  @Endpoint(routes.removeMember)
  removeMember(@Auth() auth: AuthContext, @ValidParams(routes.removeMember) p: Member): Promise<void> {
    return this.members.remove(auth, p.slug, p.userId);
  }

  @Endpoint(routes.leaveGroup)
  leave(@Auth() auth: AuthContext, @ValidParams(routes.leaveGroup) p: Slug): Promise<void> {
    return this.members.leave(auth, p.slug);
  }
}
