import { Injectable } from '@nestjs/common';

/** The time, injectable so that services with expiry rules can be tested at any moment. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
