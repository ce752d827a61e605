import {
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  retry,
  wrap,
} from 'cockatiel';
import { ErrorCode, GatewayError, isGatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import { AbortableBulkhead } from './bulkhead.js';
import type { SharedCall } from './in-flight-calls.js';

export interface UpstreamPolicyOptions {
  /** Retries after the first attempt for transient failures. @default 2 */
  retries: number;
  /** First backoff step; each retry doubles it, and full jitter picks a delay below it. @default 100 */
  retryBaseMs: number;
  /** Maximum backoff step. @default 1000 */
  retryCapMs: number;
  /** Upstream calls in progress at once. @default 32 */
  maxConcurrent: number;
  /** Calls waiting for a slot; past that, UPSTREAM_UNAVAILABLE at once. @default 256 */
  maxQueued: number;
  /** Consecutive upstream faults that open the circuit. @default 5 */
  breakerThreshold: number;
  /** How long an open circuit fails fast before it lets one probe through. @default 10000 */
  breakerCooldownMs: number;
  /** Source of randomness for the jitter, in [0, 1). @default Math.random */
  random: () => number;
  logger: Logger;
}

/** An attempt gets at least this much time, or it is not started. */
export const MIN_ATTEMPT_MS = 100;

/** One attempt's share of the call: its abort signal and when it must end. */
export interface Attempt {
  signal: AbortSignal;
  /** The call's deadline in epoch milliseconds, which moves later as waiters join. */
  deadline: () => number;
}

/**
 * Retries, circuit breaker and bulkhead around upstream attempts, composed with cockatiel. The
 * breaker and bulkhead are shared by every call to the upstream origin. The retry state belongs
 * to one call, because what may be retried depends on that call's time left.
 */
export class UpstreamPolicy {
  private readonly breaker;
  private readonly bulkhead;

  constructor(private readonly options: UpstreamPolicyOptions) {
    // Only faults of the upstream count: one user's bad token or unknown id must not open the
    // circuit for everyone.
    // NOTE: cockatiel 3.2.1 closes a half-open circuit when the probe fails with an error it does
    // not handle. A probe whose clients all disconnected therefore closes the circuit without
    // showing that the upstream has recovered.
    this.breaker = circuitBreaker(
      handleWhen((error) => isGatewayError(error) && error.upstreamFault),
      {
        halfOpenAfter: options.breakerCooldownMs,
        breaker: new ConsecutiveBreaker(options.breakerThreshold),
      },
    );
    this.breaker.onBreak(() =>
      options.logger.warn(
        { cooldownMs: options.breakerCooldownMs },
        'Circuit to Northflank opened: calls fail fast until a probe succeeds',
      ),
    );
    this.breaker.onReset(() => options.logger.info('Circuit to Northflank closed again'));
    this.bulkhead = new AbortableBulkhead(options.maxConcurrent, options.maxQueued);
  }

  /** Runs `attempt` until it succeeds, fails for good, or the call's deadline leaves no room. */
  async execute<T>(call: SharedCall, attempt: (attempt: Attempt) => Promise<T>): Promise<T> {
    const retryPolicy = this.createRetryPolicy(call);
    const guarded = wrap(retryPolicy, this.breaker, this.bulkhead);

    try {
      return await guarded.execute(({ signal }) => {
        const timeLeftMs = call.deadline() - Date.now();
        if (timeLeftMs < MIN_ATTEMPT_MS) throw tooLittleTimeLeft();
        return attempt({ signal, deadline: call.deadline });
      }, call.signal);
    } catch (error) {
      throw translatePolicyError(error, this.options.breakerCooldownMs);
    }
  }

  private createRetryPolicy(call: SharedCall) {
    const { retries, retryBaseMs, retryCapMs, random } = this.options;
    let retriesSoFar = 0;
    let rateLimitRetried = false;
    let nextDelayMs = 0;

    const shouldRetry = (error: Error): boolean => {
      if (!isGatewayError(error) || retriesSoFar >= retries) return false;

      let delayMs: number;
      if (error.code === ErrorCode.RATE_LIMITED) {
        if (rateLimitRetried || error.details.retryAfter === undefined) return false;
        rateLimitRetried = true;
        delayMs = error.details.retryAfter * 1000;
      } else if (error.transient) {
        const step = Math.min(retryCapMs, retryBaseMs * 2 ** retriesSoFar);
        delayMs = Math.floor(random() * step);
      } else {
        return false;
      }

      if (delayMs + MIN_ATTEMPT_MS > call.deadline() - Date.now()) return false;
      retriesSoFar += 1;
      nextDelayMs = delayMs;
      return true;
    };

    return retry(handleWhen(shouldRetry), {
      maxAttempts: retries,
      backoff: new DelegateBackoff(() => nextDelayMs),
    });
  }
}

function tooLittleTimeLeft(): GatewayError {
  return new GatewayError(
    ErrorCode.UPSTREAM_TIMEOUT,
    `Northflank did not respond before the request deadline (less than ${MIN_ATTEMPT_MS} ms were left for another attempt).`,
  );
}

function translatePolicyError(error: unknown, cooldownMs: number): unknown {
  if (isBrokenCircuitError(error)) {
    return new GatewayError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `Northflank is failing, so calls to it are paused for up to ${Math.ceil(cooldownMs / 1000)} s. Try again later.`,
    );
  }
  if (isBulkheadRejectedError(error)) {
    return new GatewayError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'Too many calls to Northflank are waiting. Try again later.',
    );
  }
  if (isTaskCancelled(error)) {
    return new GatewayError(
      ErrorCode.UPSTREAM_TIMEOUT,
      'The call to Northflank was cancelled before it started.',
    );
  }
  return error;
}

/** cockatiel 3.2.1's own isTaskCancelledError looks for the bulkhead's flag, so it misses these. */
function isTaskCancelled(error: unknown): boolean {
  return error instanceof Error && 'isTaskCancelledError' in error;
}
