import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { AnnotationRepository } from './annotations/annotation.repository.js';
import { AnnotationsController } from './annotations/annotations.controller.js';
import { AnnotationsService } from './annotations/annotations.service.js';
import { AnchorerCache } from './annotations/anchorer-cache.js';
import { EventBus } from './events/event-bus.js';
import { EventRepository } from './events/event.repository.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { SessionEvents } from './auth/session-events.js';
import { SessionRepository } from './auth/session.repository.js';
import { SessionService } from './auth/session.service.js';
import { UserRepository } from './auth/user.repository.js';
import { Clock } from './common/clock.js';
import { ProblemFilter } from './common/problem.filter.js';
import { RateLimiter } from './common/rate-limiter.js';
import { Secrets } from './common/secrets.js';
import { PrismaService } from './database/prisma.service.js';
import { DocumentRepository } from './documents/document.repository.js';
import { DocumentsController } from './documents/documents.controller.js';
import { DocumentsService } from './documents/documents.service.js';
import { RevisionController } from './documents/revision.controller.js';
import { RevisionRepository } from './documents/revision.repository.js';
import { RevisionService } from './documents/revision.service.js';
import { GroupRepository } from './groups/group.repository.js';
import { GroupsController } from './groups/groups.controller.js';
import { GroupsService } from './groups/groups.service.js';
import { MembershipRepository } from './groups/membership.repository.js';
import { HealthController } from './health/health.controller.js';
import { HealthRepository } from './health/health.repository.js';
import { HealthService } from './health/health.service.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { OpenApiService } from './openapi/openapi.service.js';
import { RealtimeGateway } from './realtime/realtime.gateway.js';
import { RealtimeHub } from './realtime/realtime-hub.js';
import { DemoSeedService } from './seed/demo-seed.service.js';
import { SeedRepository } from './seed/seed.repository.js';
import { MemberRepository } from './members/member.repository.js';
import { MembersController } from './members/members.controller.js';
import { MembersService } from './members/members.service.js';
import { MembershipEvents } from './members/membership-events.js';
import { AuditRepository } from './moderation/audit.repository.js';
import { ModerationController } from './moderation/moderation.controller.js';
import { ModerationRepository } from './moderation/moderation.repository.js';
import { ModerationService } from './moderation/moderation.service.js';
import { AnalyticsController } from './analytics/analytics.controller.js';
import { AnalyticsRepository } from './analytics/analytics.repository.js';
import { AnalyticsService } from './analytics/analytics.service.js';
import { ExportRepository } from './exports/export.repository.js';
import { ExportsController } from './exports/exports.controller.js';
import { ExportsService } from './exports/exports.service.js';
import { DebateRepository } from './debates/debate.repository.js';
import { DebatesController } from './debates/debates.controller.js';
import { DebatesService } from './debates/debates.service.js';
import { StancesService } from './debates/stances.service.js';
import { VoteRepository } from './votes/vote.repository.js';
import { VotesController } from './votes/votes.controller.js';
import { VotesService } from './votes/votes.service.js';
import { NotificationRepository } from './notifications/notification.repository.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { NotificationsService } from './notifications/notifications.service.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        OpenApiController,
        AuthController,
        GroupsController,
        MembersController,
        ModerationController,
        DocumentsController,
        AnnotationsController,
        RevisionController,
        ExportsController,
        AnalyticsController,
        DebatesController,
        VotesController,
        NotificationsController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        Clock,
        Secrets,
        RateLimiter,
        PrismaService,
        HealthRepository,
        HealthService,
        OpenApiService,
        UserRepository,
        SessionRepository,
        SessionEvents,
        SessionService,
        AuthService,
        MembershipRepository,
        GroupRepository,
        GroupsService,
        MemberRepository,
        MembershipEvents,
        MembersService,
        AuditRepository,
        ModerationRepository,
        ModerationService,
        DocumentRepository,
        DocumentsService,
        SeedRepository,
        DemoSeedService,
        EventRepository,
        EventBus,
        AnchorerCache,
        AnnotationRepository,
        AnnotationsService,
        ExportRepository,
        ExportsService,
        AnalyticsRepository,
        AnalyticsService,
        RevisionRepository,
        RevisionService,
        DebateRepository,
        StancesService,
        DebatesService,
        VoteRepository,
        VotesService,
        NotificationRepository,
        NotificationsService,
        RealtimeHub,
        RealtimeGateway,
      ],
    };
  }
}
