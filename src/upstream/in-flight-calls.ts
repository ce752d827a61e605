import type { ActiveTimers } from '../active-timers.js';
import { ErrorCode, GatewayError } from '../errors.js';

/** One GraphQL request waiting for a shared call. */
export interface Waiter {
  /** Epoch milliseconds after which this waiter gives up with UPSTREAM_TIMEOUT. */
  deadline: number;
  /** Aborted when the waiter goes away, for example when its client disconnects. */
  signal?: AbortSignal | undefined;
}

/** A shared call's view of its waiters. */
export interface SharedCall {
  /**
   * Aborted once every waiter has gone, with a reason named `TimeoutError` when the last one left
   * at its deadline and `AbortError` when it was cancelled.
   */
  signal: AbortSignal;
  /** The latest deadline among the waiters so far; it moves later as new waiters join. */
  deadline(): number;
}

interface Call<T> {
  controller: AbortController;
  promise: Promise<T>;
  waiters: number;
  deadline: number;
  settled: boolean;
}

/**
 * Shares identical upstream calls in flight at the same time, whichever requests they come from.
 * A call lives until its last waiter's deadline. Each waiter leaves on its own deadline or abort,
 * and the call is aborted once none is left, so no upstream slot is held once every request has gone.
 */
export class InFlightCalls<T> {
  private readonly calls = new Map<string, Call<T>>();

  constructor(private readonly timers: ActiveTimers) {}

  /** Number of distinct calls in flight. */
  get size(): number {
    return this.calls.size;
  }

  /** Waits for the call under `key`, starting it with `start` when none is in flight. */
  join(key: string, waiter: Waiter, start: (call: SharedCall) => Promise<T>): Promise<T> {
    const call = this.calls.get(key) ?? this.startCall(key, waiter.deadline, start);
    call.waiters += 1;
    call.deadline = Math.max(call.deadline, waiter.deadline);
    return this.wait(key, call, waiter);
  }

  private startCall(
    key: string,
    deadline: number,
    start: (call: SharedCall) => Promise<T>,
  ): Call<T> {
    const controller = new AbortController();
    // The deadline is set before `start` runs, because the first attempt begins synchronously.
    const call = { controller, waiters: 0, deadline, settled: false } as Call<T>;

    call.promise = start({ signal: controller.signal, deadline: () => call.deadline }).finally(
      () => {
        call.settled = true;
        this.forget(key, call);
      },
    );
    this.calls.set(key, call);
    return call;
  }

  private wait(key: string, call: Call<T>, waiter: Waiter): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let waiting = true;

      // `abortReason` is what the call is aborted with should this waiter be the last to leave.
      const leave = (abortReason?: DOMException): boolean => {
        if (!waiting) return false;
        waiting = false;
        cancelTimer();
        waiter.signal?.removeEventListener('abort', onAbort);
        call.waiters -= 1;
        if (call.waiters === 0 && !call.settled) {
          call.controller.abort(abortReason);
          this.forget(key, call);
        }
        return true;
      };
      const onAbort = () => {
        if (leave(new DOMException('Every waiter cancelled its request', 'AbortError')))
          reject(cancelled());
      };
      const cancelTimer = this.timers.start(Math.max(0, waiter.deadline - Date.now()), () => {
        // A timeout reason makes the client count the call against the upstream, as it would
        // count its own attempt timeout.
        if (leave(new DOMException('The request deadline passed', 'TimeoutError'))) {
          reject(deadlinePassed());
        }
      });

      waiter.signal?.addEventListener('abort', onAbort, { once: true });
      if (waiter.signal?.aborted) onAbort();
      call.promise.then(
        (value) => {
          if (leave()) resolve(value);
        },
        (error: unknown) => {
          if (leave()) reject(error);
        },
      );
    });
  }

  private forget(key: string, call: Call<T>): void {
    if (this.calls.get(key) === call) this.calls.delete(key);
  }
}

function deadlinePassed(): GatewayError {
  return new GatewayError(
    ErrorCode.UPSTREAM_TIMEOUT,
    'Northflank did not respond before the request deadline (REQUEST_TIMEOUT_MS).',
  );
}

function cancelled(): GatewayError {
  return new GatewayError(ErrorCode.UPSTREAM_TIMEOUT, 'The request was cancelled by the client.');
}
