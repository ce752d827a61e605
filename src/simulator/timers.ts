/** Timers of delayed responses, so that closing the simulator leaves none pending. */
export class TimerSet {
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Resolves after `ms` of real time, or never if `clear` runs first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
