import { Injectable } from '@nestjs/common';
import { EventRepository } from '../events/event.repository.js';
import { DocumentHub } from './document-hub.js';

/** This instance's DocumentHub, with gaps filled from the outbox. */
@Injectable()
export class RealtimeHub extends DocumentHub {
  constructor(events: EventRepository) {
    super((documentId, seq) => events.since(documentId, seq, 1000));
  }
}
