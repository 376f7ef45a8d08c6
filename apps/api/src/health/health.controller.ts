import { Controller } from '@nestjs/common';
import { type Health, routes } from '@scholia/shared';
import { Endpoint } from '../common/endpoint.js';
import { HealthService } from './health.service.js';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Endpoint(routes.health)
  check(): Promise<Health> {
    return this.health.check();
  }
}
