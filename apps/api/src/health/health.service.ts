import { Injectable } from '@nestjs/common';
import type { Health } from '@scholia/shared';
import { ProblemException } from '../common/problem.js';
import { HealthRepository } from './health.repository.js';

@Injectable()
export class HealthService {
  constructor(private readonly repo: HealthRepository) {}

  async check(): Promise<Health> {
    if (await this.repo.ping(2000)) return { status: 'ok', database: 'up' };
    throw new ProblemException(503, 'database-unavailable', 'The database is not answering.', {
      headers: { 'Retry-After': '5' },
    });
  }
}
