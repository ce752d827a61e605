/**
 * Faults that replace the simulator's normal response to a get-build request. They are checked after
 * authentication and rate limiting, so a faulted request still needs a valid token and counts
 * against the limit.
 */
export type Fault = ResponseFault | SocketFault;

/** Faults that send a complete, well-formed HTTP response, or none at all. */
export type ResponseFault =
  /** Sends the normal response after `ms` of real time, not of the simulator's clock. */
  | { kind: 'latency'; ms: number }
  /** Sends the error envelope with `status`, the message for that status unless given, and `headers`. */
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string> }
  /** Sends a 429 envelope, with a Retry-After header only when `retryAfter` is given. */
  | { kind: 'rate-limit'; retryAfter?: string }
  /** Never responds. The socket stays open until the client gives up or the simulator closes. */
  | { kind: 'hang' }
  /** Sends 200 with an HTML page, as a proxy in front of the API might. */
  | { kind: 'malformed-body' }
  /** Sends `status` (default 200) with an empty body; 200 still claims JSON. */
  | { kind: 'empty-body'; status?: number }
  /** Sends exactly this status, body and headers. */
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> };

/** Faults that break the HTTP exchange itself. */
export type SocketFault =
  /** Sends the status line, then the rest of the normal response after `ms` of real time. */
  | { kind: 'slow-headers'; ms: number }
  /** Sends the normal response's body `chunkBytes` (default 16) at a time, `intervalMs` apart. */
  | { kind: 'drip-body'; intervalMs: number; chunkBytes?: number }
  /** Sends the headers and half the body of the normal response, then resets the connection. */
  | { kind: 'reset-mid-body' }
  /** Sends 200 with the first half of the normal response's JSON, framed as a complete body. */
  | { kind: 'truncated-json' }
  /** Sends the normal response padded to `bytes` (default 20 MiB) with a top-level `padding` string. */
  | { kind: 'large-body'; bytes?: number }
  /**
   * Resets a kept-alive connection when a request arrives on it after an earlier one, without
   * responding. A request on a fresh connection gets the normal response and does not use up `times`.
   */
  | { kind: 'reset-reused-socket' };

export type FaultKind = Fault['kind'];

/** A fault and the requests it applies to. */
export interface FaultRule {
  fault: Fault;
  /** Applies the fault only to requests for this build id; to every get-build request when unset. */
  buildId?: string;
  /** Applies the fault to this many matching requests, then removes it; to all when unset. */
  times?: number;
}

export const DEFAULT_DRIP_CHUNK_BYTES = 16;
export const DEFAULT_LARGE_BODY_BYTES = 20 * 1024 * 1024;

const SOCKET_FAULT_KINDS: ReadonlySet<FaultKind> = new Set<SocketFault['kind']>([
  'slow-headers',
  'drip-body',
  'reset-mid-body',
  'truncated-json',
  'large-body',
  'reset-reused-socket',
]);

export function isSocketFault(fault: Fault): fault is SocketFault {
  return SOCKET_FAULT_KINDS.has(fault.kind);
}
