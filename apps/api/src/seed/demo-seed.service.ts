import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Secrets } from '../common/secrets.js';
import { DocumentsService } from '../documents/documents.service.js';
import type { Role } from '../generated/prisma/client.js';
import { SeedRepository } from './seed.repository.js';

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

/** The demo seminar on the Bolivian revolution, created on the first start only. */
@Injectable()
export class DemoSeedService {
  constructor(
    private readonly repo: SeedRepository,
    private readonly documents: DocumentsService,
    private readonly secrets: Secrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The new accounts' credentials when this call created the seminar, null when it already existed. */
  async seed(): Promise<DemoCredentials | null> {
    if (await this.repo.groupExists(DEMO_SLUG)) return null;
    const accounts = PEOPLE.map((p) => ({ ...p, password: `${this.secrets.token(10).slice(0, 12)}` }));
    const inviteCode = this.secrets.token(10);
    const created = await this.repo.createGroup({
      slug: DEMO_SLUG,
      name: 'Bolivia 1952: a seminar',
      description:
        'Why did the POR fail to take power in 1952–53? Read the essay, mark the passages that decide it, and argue: ' +
        '"permanent revolution" (the party failed) or "deflected permanent revolution" (objective conditions)?',
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
    });
    if (!created) return null;
    const content = await readFile(path.join(this.config.demoDir, 'article-bolivian-revolution.txt'), 'utf8');
    await this.documents.importInto(created.groupId, created.ownerId, {
      title: 'The Bolivian Revolution of 1952',
      author: 'Reply to John Newsinger',
      source: 'Demo text shipped with Scholia',
      format: 'text',
      content,
    });
    return {
      groupSlug: DEMO_SLUG,
      inviteCode,
      accounts: accounts.map(({ email, password, role, displayName }) => ({ email, password, role, displayName })),
    };
  }
}
