/** One request that reached the simulator's API routes. */
export interface RecordedCall {
  /** HTTP method, e.g. `GET`. */
  method: string;
  /** Request target exactly as received (`req.url`), query string included. */
  path: string;
  /** Whether the request carried an Authorization header, well-formed or not. */
  authorization: boolean;
  /** Time of arrival on the simulator's clock, in ms. */
  at: number;
}

/** Recorded calls, with counts and the maximum number of requests in flight at once. */
export class CallLog {
  #calls: RecordedCall[] = [];
  #counts = new Map<string, number>();
  #inFlight = new Map<string, number>();
  #inFlightTotal = 0;
  #maxInFlight = new Map<string, number>();
  #maxInFlightTotal = 0;

  /**
   * Records a call as started. Returns the function to run when its response is finished or its
   * connection is closed; running it more than once has no further effect.
   */
  start(call: RecordedCall): () => void {
    this.#calls.push(call);
    this.#counts.set(call.path, (this.#counts.get(call.path) ?? 0) + 1);

    const inFlight = (this.#inFlight.get(call.path) ?? 0) + 1;
    this.#inFlight.set(call.path, inFlight);
    this.#inFlightTotal += 1;
    this.#maxInFlight.set(call.path, Math.max(this.#maxInFlight.get(call.path) ?? 0, inFlight));
    this.#maxInFlightTotal = Math.max(this.#maxInFlightTotal, this.#inFlightTotal);

    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.#finish(call.path);
    };
  }

  get calls(): readonly RecordedCall[] {
    return this.#calls.slice();
  }

  count(path?: string): number {
    if (path === undefined) return this.#calls.length;
    return this.#counts.get(path) ?? 0;
  }

  maxInFlight(path?: string): number {
    if (path === undefined) return this.#maxInFlightTotal;
    return this.#maxInFlight.get(path) ?? 0;
  }

  /**
   * Clears calls and counts. The in-flight maxima restart from the number of requests still in
   * flight, which is 0 unless a request is running.
   */
  reset(): void {
    this.#calls = [];
    this.#counts.clear();
    this.#maxInFlight = new Map(this.#inFlight);
    this.#maxInFlightTotal = this.#inFlightTotal;
  }

  #finish(path: string): void {
    const inFlight = (this.#inFlight.get(path) ?? 1) - 1;
    if (inFlight === 0) this.#inFlight.delete(path);
    else this.#inFlight.set(path, inFlight);
    this.#inFlightTotal -= 1;
  }
}
