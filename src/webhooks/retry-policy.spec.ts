import { attemptsPerEvent, exhaustedWhileFailing, parseRetryAfter, retryDelayMs } from './retry-policy.js';

const DELAYS = [5000, 300_000, 1_800_000];

describe(retryDelayMs.name, () => {
  it('follows the schedule with ±20 % jitter, then stops', () => {
    expect(retryDelayMs(1, DELAYS, undefined, () => 0.5)).toBe(5000);
    expect(retryDelayMs(1, DELAYS, undefined, () => 0)).toBe(4000);
    expect(retryDelayMs(1, DELAYS, undefined, () => 1)).toBe(6000);
    expect(retryDelayMs(3, DELAYS, undefined, () => 0.5)).toBe(1_800_000);
    expect(retryDelayMs(4, DELAYS, undefined, () => 0.5)).toBeUndefined();
    expect(attemptsPerEvent(DELAYS)).toBe(4);
  });

  it("never retries sooner than the receiver's Retry-After, capped at a day", () => {
    expect(retryDelayMs(1, DELAYS, 60_000, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(2, DELAYS, 60_000, () => 0.5)).toBe(300_000);
    expect(retryDelayMs(1, DELAYS, 10 * 24 * 3600_000, () => 0.5)).toBe(24 * 3600_000);
  });
});

describe(parseRetryAfter.name, () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe(exhaustedWhileFailing.name, () => {
  const first = '2025-01-01T00:00:00.000Z';
  it('is true only for the last attempt of an event when nothing succeeded since its first attempt', () => {
    expect(exhaustedWhileFailing({ attempt: 4, attempts: 4, failingSince: first, firstAttemptAt: first })).toBe(true);
    expect(
      exhaustedWhileFailing({
        attempt: 4,
        attempts: 4,
        failingSince: '2024-12-30T00:00:00.000Z',
        firstAttemptAt: first,
      }),
    ).toBe(true);
    expect(exhaustedWhileFailing({ attempt: 3, attempts: 4, failingSince: first, firstAttemptAt: first })).toBe(false);
    // a success after the event's first attempt reset the streak
    expect(
      exhaustedWhileFailing({
        attempt: 4,
        attempts: 4,
        failingSince: '2025-01-02T00:00:00.000Z',
        firstAttemptAt: first,
      }),
    ).toBe(false);
    expect(exhaustedWhileFailing({ attempt: 4, attempts: 4, failingSince: null, firstAttemptAt: first })).toBe(false);
  });
});
