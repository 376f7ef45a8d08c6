import type { AnnotationDto } from '@scholia/shared';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RealtimeHub } from '../../apps/api/src/realtime/realtime-hub.js';
import { RealtimeGateway } from '../../apps/api/src/realtime/realtime.gateway.js';
import { sql } from '../support/db.js';
import { ESSAY, type Member, selectorsFor } from '../support/fixtures.js';
import { type ApiServer, cookieOf, expectConsecutive, sleep, type Seminar, useLiveSeminar } from './helpers.js';

let server: ApiServer;
let s: Seminar;
const clients = useLiveSeminar((started, seeded) => ((server = started), (s = seeded)), {
  POST_BURST: '100000',
  POST_PER_MINUTE: '100000',
});
// Each test counts events on a document of its own, so that nothing a slow test left in flight can reach another.
let doc: { id: string; text: string };
beforeEach(async () => {
  const res = await s.owner.agent
    .post(`/api/groups/${s.slug}/documents`)
    .send({ title: 'The Bolivian Revolution of 1952', format: 'text', content: ESSAY })
    .expect(201);
  doc = res.body as { id: string; text: string };
});

const QUOTE = 'the power of the working class';

async function annotate(member: Member, documentId = doc.id, text = doc.text, quote = QUOTE): Promise<AnnotationDto> {
  const res = await member.agent
    .post(`/api/documents/${documentId}/annotations`)
    .send({ target: selectorsFor(text, quote), text: 'a note' })
    .expect(201);
  return res.body as AnnotationDto;
}

async function reply(member: Member, annotationId: string, text: string): Promise<string> {
  const res = await member.agent.post(`/api/annotations/${annotationId}/replies`).send({ text }).expect(201);
  return (res.body as { id: string }).id;
}

/**
 * `batches` rounds of mixed writes (an annotation, then replies to it), each round's writes in parallel; the ids of
 * each round. Within a round the order of the events is the order the transactions committed in.
 */
async function writeRounds(batches: number, author: Member, perRound = 10): Promise<string[][]> {
  const rounds: string[][] = [];
  for (let i = 0; i < batches; i++) {
    const thread = (await annotate(author)).id;
    const replies = await Promise.all(
      Array.from({ length: perRound - 1 }, (_, j) => reply(author, thread, `round ${i} reply ${j}`)),
    );
    rounds.push([thread, ...replies]);
  }
  return rounds;
}

/** Checks that `ids` (in delivery order) are the rounds' ids, round after round. */
function expectRounds(ids: string[], rounds: string[][]): void {
  expect(ids).toHaveLength(rounds.flat().length);
  let at = 0;
  for (const round of rounds) {
    expect(ids[at]).toBe(round[0]);
    expect(new Set(ids.slice(at, at + round.length))).toEqual(new Set(round));
    at += round.length;
  }
}

const idOf = (e: { payload: unknown }): string => (e.payload as { id: string }).id;

describe('replay on reconnect', () => {
  it('replays exactly the 100 missed events in order, once, then continues live without gap or duplicate', async () => {
    const first = clients.open(server.url, cookieOf(s.bob.agent));
    const seq = await first.joinOk(doc.id);
    first.close();

    const written = await writeRounds(10, s.alice);

    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    const ack = await bob.join(doc.id, seq);
    expect(ack).toEqual({ ok: true, seq: seq + 100 });
    // The replay is sent before the acknowledgement.
    expect(bob.events).toHaveLength(100);
    expectConsecutive(
      bob.events.map((e) => e.seq),
      seq,
      100,
    );
    expectRounds(bob.events.map(idOf), written);
    expect(bob.events.every((e) => e.documentId === doc.id)).toBe(true);
    expect(bob.reloads).toEqual([]);

    const live = await writeRounds(1, s.alice, 5);
    await bob.until(() => bob.events.length >= 105 || undefined, '5 live events');
    await bob.ping();
    expectConsecutive(
      bob.events.map((e) => e.seq),
      seq,
      105,
    );
    expectRounds(bob.events.slice(100).map(idOf), live);
  }, 120_000);

  it('replays to a reader rejoining on the same socket after doc:leave', async () => {
    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    const seq = await bob.joinOk(doc.id);
    const a = await annotate(s.alice);
    await bob.until(() => bob.events.length === 1 || undefined, 'first event');
    bob.socket.emit('doc:leave', { documentId: doc.id });
    await bob.ping();
    const missed = [await reply(s.alice, a.id, 'while away'), await reply(s.alice, a.id, 'still away')];
    await sleep(100);
    expect(bob.events).toHaveLength(1);
    await bob.joinOk(doc.id, seq + 1);
    expect(bob.events.map((e) => e.seq)).toEqual([seq + 1, seq + 2, seq + 3]);
    expect(bob.events.slice(1).map(idOf)).toEqual(missed);
  });

  it('replays only what the reader may see: private events of others are skipped, their own are included', async () => {
    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    const seq = await bob.joinOk(doc.id);
    bob.close();
    const aliceSecret = (
      await s.alice.agent
        .post(`/api/documents/${doc.id}/annotations`)
        .send({ target: selectorsFor(doc.text, QUOTE), visibility: 'private' })
        .expect(201)
    ).body as AnnotationDto;
    const bobSecret = (
      await s.bob.agent
        .post(`/api/documents/${doc.id}/annotations`)
        .send({ target: selectorsFor(doc.text, QUOTE), visibility: 'private' })
        .expect(201)
    ).body as AnnotationDto;
    const open = await annotate(s.alice);

    const again = clients.open(server.url, cookieOf(s.bob.agent));
    await again.joinOk(doc.id, seq);
    expect(again.events.map((e) => [e.seq, idOf(e)])).toEqual([
      [seq + 2, bobSecret.id],
      [seq + 3, open.id],
    ]);
    expect(JSON.stringify(again.events)).not.toContain(aliceSecret.id);
  });
});

describe('concurrent writers', () => {
  it('delivers every event of parallel POSTs to a connected reader, in order, once', async () => {
    const bob = clients.open(server.url, cookieOf(s.bob.agent));
    const alice = clients.open(server.url, cookieOf(s.alice.agent));
    const seq = await bob.joinOk(doc.id);
    await alice.joinOk(doc.id);
    const base = await annotate(s.owner);
    const writers = [s.alice, s.bob, s.owner];
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0 ? annotate(writers[i % 3]!).then((a) => a.id) : reply(writers[i % 3]!, base.id, `parallel ${i}`),
      ),
    );
    for (const c of [bob, alice]) {
      await c.until(() => c.events.length >= 31 || undefined, '31 events');
      await c.ping();
      await sleep(50);
      expectConsecutive(
        c.events.map((e) => e.seq),
        seq,
        31,
      );
      expect(new Set(c.events.slice(1).map(idOf))).toEqual(new Set(ids));
    }
  }, 60_000);

  it('loses nothing for readers who rejoin or reconnect while writes are committing', async () => {
    const watcher = clients.open(server.url, cookieOf(s.owner.agent));
    const start = await watcher.joinOk(doc.id);
    const base = await annotate(s.owner);
    const total = 45;
    let done = false;
    const writes = (async () => {
      const all: Promise<string>[] = [];
      for (let i = 0; i < total; i++) {
        all.push(reply(i % 2 ? s.alice : s.owner, base.id, `churn ${i}`));
        if (i % 3 === 2) await Promise.all(all.slice(-3));
      }
      await Promise.all(all);
      done = true;
    })();

    // One reader leaves and rejoins its socket; another drops its connection and reconnects, both from their last seq.
    const rejoiner = clients.open(server.url, cookieOf(s.bob.agent));
    await rejoiner.joinOk(doc.id, start);
    let reconnecting = clients.open(server.url, cookieOf(s.alice.agent));
    await reconnecting.joinOk(doc.id, start);
    const reconnectedSeqs: number[] = [];
    for (let round = 0; round < 40 && !done; round++) {
      rejoiner.socket.emit('doc:leave', { documentId: doc.id });
      // After the round trip, everything sent before the leave has arrived, so the last seq is really the last.
      await rejoiner.ping();
      await rejoiner.joinOk(doc.id, rejoiner.events.at(-1)?.seq ?? start);
      reconnectedSeqs.push(...reconnecting.events.map((e) => e.seq));
      const last = reconnectedSeqs.at(-1) ?? start;
      reconnecting.close();
      reconnecting = clients.open(server.url, cookieOf(s.alice.agent));
      await reconnecting.joinOk(doc.id, last);
    }
    await writes;
    const expected = total + 1;
    const last = start + expected;
    await watcher.until(() => (watcher.events.at(-1)?.seq ?? 0) >= last || undefined, 'the last event at the watcher');
    await rejoiner.until(
      () => (rejoiner.events.at(-1)?.seq ?? 0) >= last || undefined,
      'the last event at the rejoiner',
    );
    await reconnecting.until(
      () => (reconnecting.events.at(-1)?.seq ?? reconnectedSeqs.at(-1) ?? 0) >= last || undefined,
      'the last event at the reconnecting reader',
    );
    await sleep(100);
    reconnectedSeqs.push(...reconnecting.events.map((e) => e.seq));
    expectConsecutive(
      watcher.events.map((e) => e.seq),
      start,
      expected,
    );
    expectConsecutive(
      rejoiner.events.map((e) => e.seq),
      start,
      expected,
    );
    expectConsecutive(reconnectedSeqs, start, expected);
  }, 60_000);
});

describe('reload when the gap is too old', () => {
  let old: { id: string; text: string };
  beforeAll(async () => {
    const res = await s.owner.agent
      .post(`/api/groups/${s.slug}/documents`)
      .send({
        title: 'Replay window',
        format: 'text',
        content: 'A short text about tin mines and the miners who worked them.',
      })
      .expect(201);
    old = res.body as { id: string; text: string };
    // 1,001 old events, written straight into the outbox (far cheaper than 1,001 POSTs).
    await sql(
      `INSERT INTO document_events (document_id, seq, type, payload, audience)
       SELECT $1::uuid, g, 'annotation.deleted', jsonb_build_object('id', gen_random_uuid()), '{}'::jsonb FROM generate_series(1, 1001) g`,
      [old.id],
    );
    await sql(`UPDATE documents SET event_seq = 1001 WHERE id = $1`, [old.id]);
  });

  it('replays a gap of exactly the replay limit (1,000 events)', async () => {
    const c = clients.open(server.url, cookieOf(s.bob.agent));
    expect(await c.join(old.id, 1)).toEqual({ ok: true, seq: 1001 });
    expect(c.reloads).toEqual([]);
    expectConsecutive(
      c.events.map((e) => e.seq),
      1,
      1000,
    );
  });

  it('tells a reader whose lastSeq is older than the window to reload, then continues live', async () => {
    const c = clients.open(server.url, cookieOf(s.bob.agent));
    expect(await c.join(old.id, 0)).toEqual({ ok: true, seq: 1001 });
    expect(c.reloads).toEqual([{ documentId: old.id, seq: 1001 }]);
    expect(c.events).toEqual([]);
    const a = await annotate(s.alice, old.id, old.text, 'tin mines');
    const e = await c.nextEvent(() => true, 'the live event');
    expect(e).toMatchObject({ seq: 1002, type: 'annotation.created', payload: { id: a.id } });
  });

  it('tells a reader whose lastSeq is in the future to reload', async () => {
    const c = clients.open(server.url, cookieOf(s.bob.agent));
    const res = await c.join(old.id, 50_000);
    expect(res).toMatchObject({ ok: true });
    const seq = (res as { seq: number }).seq;
    expect(c.reloads).toEqual([{ documentId: old.id, seq }]);
    expect(c.events).toEqual([]);
  });
});

describe('housekeeping', () => {
  it('keeps nothing of a socket that disconnects while its join is in flight', async () => {
    // White-box: the hub's subscriptions per document.
    const hub = server.app.get<RealtimeHub, { docs: Map<string, Map<string, unknown>> }>(RealtimeHub);
    const rooms = server.app.get(RealtimeGateway).server.of('/').adapter.rooms;
    const subscribers = (): number => hub.docs.get(doc.id)?.size ?? 0;
    const room = (): number => rooms.get(`doc:${doc.id}`)?.size ?? 0;
    const before = { subscribers: subscribers(), room: room() };
    // Closing at once drops the join before it runs; closing a few milliseconds later lands in its database reads.
    for (let delay = 0; delay < 12; delay++) {
      const c = clients.open(server.url, cookieOf(s.bob.agent));
      await c.connected();
      c.socket.emit('doc:join', { documentId: doc.id }, () => undefined);
      await sleep(delay);
      c.close();
    }
    await sleep(300);
    expect({ subscribers: subscribers(), room: room() }).toEqual(before);
  });
});
