import { z } from 'zod';
import { IsoDate, Role, Uuid } from './common.js';

export const Slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, { message: 'Not a group address' });
export const SlugParam = z.strictObject({ slug: Slug });

export const CreateGroupBody = z
  .strictObject({ name: z.string().trim().min(1).max(120), description: z.string().trim().max(2000).optional() })
  .meta({ id: 'CreateGroupBody' });
export type CreateGroupBody = z.infer<typeof CreateGroupBody>;

export const GroupSettings = z.object({ preModeration: z.boolean(), commitRevealDefault: z.boolean() });

export const GroupDto = z
  .object({
    id: Uuid,
    slug: Slug,
    name: z.string(),
    description: z.string(),
    role: Role,
    memberCount: z.number().int(),
    documentCount: z.number().int(),
    settings: GroupSettings,
    created: IsoDate,
  })
  .meta({ id: 'Group' });
export type GroupDto = z.infer<typeof GroupDto>;

export const GroupList = z.object({ items: z.array(GroupDto) }).meta({ id: 'GroupList' });
export type GroupList = z.infer<typeof GroupList>;

export const CreateInviteBody = z
  .strictObject({
    role: Role.exclude(['owner']),
    expiresInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .optional(),
  })
  .meta({ id: 'CreateInviteBody' });
export type CreateInviteBody = z.infer<typeof CreateInviteBody>;

export const InviteDto = z
  .object({ id: Uuid, code: z.string(), url: z.string(), role: Role, expires: IsoDate.nullable(), uses: z.number() })
  .meta({ id: 'Invite' });
export type InviteDto = z.infer<typeof InviteDto>;

export const JoinBody = z.strictObject({ code: z.string().trim().min(4).max(200) }).meta({ id: 'JoinBody' });
export type JoinBody = z.infer<typeof JoinBody>;

export const JoinResult = z.object({ slug: Slug, role: Role }).meta({ id: 'JoinResult' });
export type JoinResult = z.infer<typeof JoinResult>;
