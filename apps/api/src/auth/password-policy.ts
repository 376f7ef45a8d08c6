import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX, PASSWORD_MIN } from '@scholia/shared';

// ~49,000 passwords seen most often in breaches, from zxcvbn's common list.
const COMMON = new Set<string>(dictionary['passwords-common']);

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(
  password: string,
  context: { email?: string; displayName?: string } = {},
): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'That password is one of the most common ones; choose another.';
  if (/^(.)\1+$/u.test(password)) return 'A password of one repeated character is too easy to guess.';
  const local = context.email?.split('@')[0]?.toLowerCase();
  if ((local && local.length >= 4 && lower === local) || lower === context.email?.toLowerCase()) {
    return 'Do not use your email address as your password.';
  }
  return null;
}
