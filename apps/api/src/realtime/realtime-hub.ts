import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { EventRepository } from '../events/event.repository.js';
import { DocumentHub } from './document-hub.js';

/** This instance's DocumentHub, with gaps filled from the outbox. */
@Injectable()
export class RealtimeHub extends DocumentHub {
  constructor(events: EventRepository, clock: Clock) {
    super(
      (documentId, seq) => events.since(documentId, seq, 1000),
      () => clock.now(),
    );
  }
}
