import { z } from 'zod';

export const Uuid = z.uuid();
export const IsoDate = z.iso.datetime({ offset: true });

/** RFC 9457 problem details, the body of every error answer. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

export const Role = z.enum(['owner', 'instructor', 'student']);
export type Role = z.infer<typeof Role>;

export const AuthorRef = z.object({ id: Uuid, displayName: z.string(), handle: z.string() }).meta({ id: 'AuthorRef' });
export type AuthorRef = z.infer<typeof AuthorRef>;
