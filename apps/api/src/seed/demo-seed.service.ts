import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { createAnchorer, type Anchorer } from '@scholia/anchoring';
import { renderMarkdown } from '@scholia/documents';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Secrets } from '../common/secrets.js';
import { parseContent } from '../documents/documents.service.js';
import type { Role } from '../generated/prisma/client.js';
import { SeedRepository, type SeedPassage, type SeedStance, type SeedThread } from './seed.repository.js';

export const DEMO_SLUG = 'bolivia-1952';

export interface DemoCredentials {
  groupSlug: string;
  inviteCode: string;
  accounts: { email: string; password: string; role: Role; displayName: string }[];
}

const PEOPLE: { email: string; displayName: string; handle: string; role: Role }[] = [
  { email: 'instructor@demo.scholia', displayName: 'Ana Quiroga', handle: 'ana', role: 'owner' },
  { email: 'student1@demo.scholia', displayName: 'Juan Mamani', handle: 'juan', role: 'student' },
  { email: 'student2@demo.scholia', displayName: 'Lucía Flores', handle: 'lucia', role: 'student' },
];

const DEBATE = {
  question: 'Why did the POR fail to take power in 1952-53?',
  positions: [
    {
      title: 'Permanent revolution: the party failed (subjective)',
      statement:
        'The working class held power in its hands in April 1952; the POR failed to build a revolutionary party that could take it, and relied on Lechin and the union leaders instead.',
    },
    {
      title: 'Deflected permanent revolution: objective conditions (Cliff)',
      statement:
        'With the working class weak as a class for itself, the petty bourgeois MNR could play an independent role, carry through the reforms and take the ground from under the POR.',
    },
  ],
};

type Who = 'ana' | 'juan' | 'lucia';
interface DemoReply {
  by: Who;
  text: string;
  move: 'comment' | 'support' | 'rebut' | 'qualify' | 'question';
  cites?: string[];
  stance?: SeedStance;
}
interface DemoThread {
  by: Who;
  quote: string;
  text: string;
  stance?: SeedStance;
  replies?: DemoReply[];
}

const PARTY: SeedStance = { position: 0, side: 'for' };
const CONDITIONS: SeedStance = { position: 1, side: 'for' };

/** The demo debate's arguments, each on a real passage of the essay, in the order they were "posted". */
const THREADS: DemoThread[] = [
  {
    by: 'juan',
    quote: 'Initially, the POR had a strong position within the COB, controlling the leadership of a number of unions',
    text: 'In 1952 the POR had the miners and much of the COB behind it. If it still lost, the failure was its own: it leaned on **Lechin** instead of building a party.',
    stance: PARTY,
    replies: [
      {
        by: 'lucia',
        text: 'A "strong position" in the unions is not power. The union leaders wanted co-government, and the workers followed them.',
        move: 'rebut',
        cites: ['Lechin and the other union leaders wanted to institutionalise dual power as co-government'],
        stance: CONDITIONS,
      },
    ],
  },
  {
    by: 'lucia',
    quote:
      'was confronted with a situation of dual power and was reluctantly compelled to carry through extensive structural reforms',
    text: 'The MNR was *compelled* to reform, and the reforms satisfied the miners: the petty bourgeoisie played the independent role Cliff describes.',
    stance: CONDITIONS,
  },
  {
    by: 'juan',
    quote:
      'That the trotskyists within the working class movement were never able to transform this dual power into workers’ power was the great tragedy of the Bolivian Revolution.',
    text: 'The essay itself calls it the tragedy of the trotskyists: dual power was there, and the party could not turn it into workers’ power.',
    stance: PARTY,
    replies: [
      {
        by: 'lucia',
        text: 'Read on: the petty bourgeoisie "did not abide by Trotsky’s theory". The theory, not only the party, was found wanting.',
        move: 'qualify',
        cites: ['Unfortunately, the petty bourgeoisie did not abide by Trotsky’s theory.'],
        stance: { position: 0, side: 'against' },
      },
    ],
  },
  {
    by: 'lucia',
    quote: 'never able to transform this dual power into workers’ power',
    text: '"Never able" because the conditions were against them: once the mines were nationalised the miners trusted their unions, not the party.',
    stance: { position: 0, side: 'against' },
  },
  {
    by: 'ana',
    quote: 'The MNR had the intention of nationalising the mines itself',
    text: 'Note the timing here, @juan and @lucia: who moved first on the mines, the MNR or the COB? Does it help either position?',
    replies: [
      {
        by: 'juan',
        text: 'The POR attacked the compensation deal in the COB and in its press, but could not stop Lechin signing it. The party lost that fight.',
        move: 'comment',
        cites: ['The POR bitterly attacked the sell-out over compensation, both in the COB and in its press.'],
        stance: PARTY,
      },
      {
        by: 'ana',
        text: 'Good: and why could it not stop him? Look at what the union leaders wanted.',
        move: 'question',
      },
    ],
  },
];

/** The demo seminar on the Bolivian revolution, created on the first start only. */
@Injectable()
export class DemoSeedService {
  constructor(
    private readonly repo: SeedRepository,
    private readonly secrets: Secrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The new accounts' credentials when this call created the seminar, null when it already existed. */
  async seed(): Promise<DemoCredentials | null> {
    if (await this.repo.groupExists(DEMO_SLUG)) return null;
    const content = await readFile(path.join(this.config.demoDir, 'article-bolivian-revolution.txt'), 'utf8');
    const { text, blocks } = parseContent('text', content);
    const accounts = PEOPLE.map((p) => ({ ...p, password: `${this.secrets.token(10).slice(0, 12)}` }));
    const inviteCode = this.secrets.token(10);
    // Everything in one transaction: a seminar that exists is complete, since the seed never repairs one.
    const created = await this.repo.createDemo({
      group: {
        slug: DEMO_SLUG,
        name: 'Bolivia 1952: a seminar',
        description:
          'Why did the POR fail to take power in 1952–53? Read the essay, mark the passages that decide it, and argue: ' +
          '"permanent revolution" (the party failed) or "deflected permanent revolution" (objective conditions)?',
      },
      members: await Promise.all(
        accounts.map(async (a) => ({
          email: a.email,
          displayName: a.displayName,
          handle: a.handle,
          role: a.role,
          passwordHash: await this.secrets.hashPassword(a.password),
        })),
      ),
      inviteCode,
      document: {
        title: 'The Bolivian Revolution of 1952',
        author: 'Reply to John Newsinger',
        source: 'Demo text shipped with Scholia',
        format: 'text',
        content,
        text,
        blocks,
      },
      debate: { question: DEBATE.question, positions: DEBATE.positions, threads: demoThreads(text) },
    });
    if (!created) return null;
    return {
      groupSlug: DEMO_SLUG,
      inviteCode,
      accounts: accounts.map(({ email, password, role, displayName }) => ({ email, password, role, displayName })),
    };
  }
}

/** The demo students' arguments, on the passages of `text` they quote (an argument whose passage is missing is left out). */
function demoThreads(text: string): SeedThread[] {
  const anchorer = createAnchorer(text);
  const threads: SeedThread[] = [];
  for (const t of THREADS) {
    const passage = locate(anchorer, t.quote);
    if (!passage) continue;
    threads.push({
      author: t.by,
      passage,
      text: t.text,
      html: renderMarkdown(t.text),
      ...(t.stance ? { stance: t.stance } : {}),
      replies: (t.replies ?? []).map((r) => ({
        author: r.by,
        text: r.text,
        html: renderMarkdown(r.text),
        move: r.move,
        citations: (r.cites ?? []).map((q) => locate(anchorer, q)).filter((p): p is SeedPassage => p !== null),
        ...(r.stance ? { stance: r.stance } : {}),
      })),
    });
  }
  return threads;
}

/** Where `quote` is in the text, described as a new selection would be; null if the text does not have it. */
function locate(anchorer: Anchorer, quote: string): SeedPassage | null {
  const found = anchorer.anchor([{ type: 'TextQuoteSelector', exact: quote }], { approximate: false });
  if (found.status === 'orphaned') return null;
  const [pos, q] = anchorer.describe(found.start, found.end);
  return {
    target: { selector: [pos, q] },
    exact: q.exact,
    prefix: q.prefix ?? '',
    suffix: q.suffix ?? '',
    start: found.start,
    end: found.end,
  };
}
