/**
 * When to try again. Each failed automatic attempt n (1-based) is retried after `delays[n-1]` (WEBHOOK_RETRY_DELAYS_MS)
 * with ±20 % jitter, so that many deliveries failing together do not come back together; never sooner than the
 * receiver's `Retry-After`. After the last delay there is no further attempt.
 */
export const JITTER = 0.2;
/** A receiver may push its retry back, but not beyond a day. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Attempts one event gets at one webhook: the first plus one per delay. */
export function attemptsPerEvent(delays: readonly number[]): number {
  return delays.length + 1;
}

/** Delay before the attempt after failed attempt `attempt`, or undefined when that was the last one. */
export function retryDelayMs(
  attempt: number,
  delays: readonly number[],
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  const base = delays[attempt - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (1 + JITTER * (2 * random() - 1)));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // an HTTP date names its day or month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone takes "-5" as a year
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Auto-disable rule: a webhook is disabled when an event has used up all its attempts and not one attempt to the
 * webhook has succeeded since that event's first attempt — the endpoint has been failing, without a single success,
 * for a whole retry schedule (about three days with the default delays).
 */
export function exhaustedWhileFailing(input: {
  attempt: number;
  attempts: number;
  failingSince: string | null;
  firstAttemptAt: string | null;
}): boolean {
  if (input.attempt < input.attempts || !input.failingSince || !input.firstAttemptAt) return false;
  return input.failingSince <= input.firstAttemptAt;
}
