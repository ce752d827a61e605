/**
 * setTimeout with a count of the timers still pending, so tests and health checks can prove that
 * nothing is left scheduled once the traffic has passed.
 */
export class ActiveTimers {
  private pending = 0;

  /** Schedules `callback` after `ms`; the returned function cancels it. */
  start(ms: number, callback: () => void): () => void {
    let active = true;
    this.pending += 1;

    const handle = setTimeout(() => {
      active = false;
      this.pending -= 1;
      callback();
    }, ms);
    return () => {
      if (!active) return;
      active = false;
      this.pending -= 1;
      clearTimeout(handle);
    };
  }

  /**
   * Schedules `callback` at the epoch milliseconds that `dueAt` returns. `dueAt` is read again
   * when the timer fires, so a due time that moved later postpones the callback. The returned
   * function cancels it.
   */
  startUntil(dueAt: () => number, callback: () => void): () => void {
    let cancel = () => {};
    const arm = () => {
      cancel = this.start(Math.max(0, dueAt() - Date.now()), () => {
        if (dueAt() > Date.now()) arm();
        else callback();
      });
    };

    arm();
    return () => cancel();
  }

  get size(): number {
    return this.pending;
  }
}
