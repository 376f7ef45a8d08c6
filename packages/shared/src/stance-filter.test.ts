import { describe, expect, it } from 'vitest';
import type { AnnotationDto, ReplyDto, StanceRef } from './schemas/annotations.js';
import { arguesAbout } from './stance-filter.js';

const P = '00000000-0000-7000-8000-000000000001';
const Q = '00000000-0000-7000-8000-000000000002';
const D = '00000000-0000-7000-8000-00000000000d';
const stance = (positionId: string, side: StanceRef['side']): StanceRef => ({ debateId: D, positionId, side });
const reply = (s: StanceRef | null, deleted = false) => ({ stance: s, deleted }) as ReplyDto;
const thread = (s: StanceRef | null, replies: ReplyDto[] = [], deleted = false) =>
  ({ stance: s, replies, deleted }) as AnnotationDto;

describe('arguesAbout', () => {
  it('matches a note taking a stance on the position, on either side unless one is named', () => {
    expect(arguesAbout(thread(stance(P, 'for')), { position: P })).toBe(true);
    expect(arguesAbout(thread(stance(P, 'against')), { position: P, side: 'for' })).toBe(false);
    expect(arguesAbout(thread(stance(P, 'against')), { position: P, side: 'against' })).toBe(true);
    expect(arguesAbout(thread(stance(Q, 'for')), { position: P })).toBe(false);
    expect(arguesAbout(thread(null), { position: P })).toBe(false);
  });

  it('matches a thread where only a reply argues about the position', () => {
    const t = thread(stance(Q, 'for'), [reply(null), reply(stance(P, 'against'))]);
    expect(arguesAbout(t, { position: P })).toBe(true);
    expect(arguesAbout(t, { position: P, side: 'for' })).toBe(false);
  });

  it('ignores deleted notes and replies', () => {
    expect(arguesAbout(thread(stance(P, 'for'), [], true), { position: P })).toBe(false);
    expect(arguesAbout(thread(null, [reply(stance(P, 'for'), true)]), { position: P })).toBe(false);
  });
});
