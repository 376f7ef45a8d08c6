import { z } from 'zod';
import { IsoDate, Uuid } from './common.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'Enter an email address like name@example.org' }));
const Password = z
  .string()
  .min(PASSWORD_MIN, { message: `Use at least ${PASSWORD_MIN} characters` })
  .max(PASSWORD_MAX, { message: `Use at most ${PASSWORD_MAX} characters` });

export const RegisterBody = z
  .strictObject({
    email: Email,
    password: Password,
    displayName: z.string().trim().min(1, { message: 'Enter a display name' }).max(80),
  })
  .meta({ id: 'RegisterBody' });
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z
  .strictObject({ email: Email, password: z.string().min(1).max(1024) })
  .meta({ id: 'LoginBody' });
export type LoginBody = z.infer<typeof LoginBody>;

export const ChangePasswordBody = z
  .strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: Password })
  .meta({ id: 'ChangePasswordBody' });
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const UserDto = z
  .object({ id: Uuid, email: z.string(), displayName: z.string(), handle: z.string(), created: IsoDate })
  .meta({ id: 'User' });
export type UserDto = z.infer<typeof UserDto>;

export const SessionDto = z
  .object({
    id: z.string(),
    current: z.boolean(),
    created: IsoDate,
    lastSeen: IsoDate,
    expires: IsoDate,
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .meta({ id: 'Session' });
export type SessionDto = z.infer<typeof SessionDto>;

export const SessionList = z.object({ items: z.array(SessionDto) }).meta({ id: 'SessionList' });
export type SessionList = z.infer<typeof SessionList>;

export const SessionIdParam = z.strictObject({ id: z.string().regex(/^[0-9a-f]{1,64}$/) });
