import {
  BulkheadRejectedError,
  EventEmitter,
  type IDefaultPolicyContext,
  type IFailureEvent,
  type IPolicy,
  type ISuccessEvent,
  TaskCancelledError,
} from 'cockatiel';

interface QueuedCall {
  /** Hands the caller a slot that is already counted as taken. */
  start(): void;
}

/**
 * A cockatiel bulkhead policy whose queued calls leave the queue as soon as their signal aborts.
 * cockatiel 3.2.1's own bulkhead keeps an aborted call queued until a slot frees, so callers that
 * have gone would still hold queue places and turn live requests away.
 */
export class AbortableBulkhead implements IPolicy {
  declare readonly _altReturn: never;
  /** Never fires, because the gateway listens to no bulkhead events and none are emitted. */
  readonly onSuccess = new EventEmitter<ISuccessEvent>().addListener;
  /** Never fires, because the gateway listens to no bulkhead events and none are emitted. */
  readonly onFailure = new EventEmitter<IFailureEvent>().addListener;
  private active = 0;
  private readonly queue: QueuedCall[] = [];

  /**
   * @param capacity Calls running at once.
   * @param queueCapacity Calls waiting for a slot. Past that, a call fails at once with
   *   BulkheadRejectedError.
   */
  constructor(
    private readonly capacity: number,
    private readonly queueCapacity: number,
  ) {}

  async execute<T>(
    fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<T> {
    if (signal.aborted) throw new TaskCancelledError();

    if (this.active < this.capacity) this.active += 1;
    else await this.waitForSlot(signal);

    try {
      return await fn({ signal });
    } finally {
      this.release();
    }
  }

  private waitForSlot(signal: AbortSignal): Promise<void> {
    if (this.queue.length >= this.queueCapacity) {
      throw new BulkheadRejectedError(this.capacity, this.queueCapacity);
    }

    return new Promise((resolve, reject) => {
      const queued: QueuedCall = {
        start: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.queue.splice(this.queue.indexOf(queued), 1);
        reject(new TaskCancelledError());
      };

      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(queued);
    });
  }

  /** Passes the slot straight to the next queued call, so no new caller can take it in between. */
  private release(): void {
    const next = this.queue.shift();
    if (next === undefined) this.active -= 1;
    else next.start();
  }
}
