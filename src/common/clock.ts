import { Injectable } from '@nestjs/common';

/** The time source of the domain, injectable so that logic depending on time can be tested. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /** ISO-8601 UTC with milliseconds: the form every timestamp is stored and returned in. */
  iso(offsetMs = 0): string {
    return new Date(Date.now() + offsetMs).toISOString();
  }
}
