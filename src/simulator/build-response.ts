import type { ServerResponse } from 'node:http';
import { sendJson } from './responses.js';

/** The normal response to a get-build request: a status and its JSON body. */
export interface BuildResponse {
  status: number;
  body: string;
}

export function sendBuildResponse(res: ServerResponse, response: BuildResponse): void {
  sendJson(res, response.status, response.body);
}

/** The response object and helpers that a fault sends its response with. */
export interface FaultContext {
  res: ServerResponse;
  /** Looks up the build now; latency faults call it after the delay. */
  normalResponse: () => BuildResponse;
  /** Resolves after `ms` of real time. It never resolves once the simulator is closed. */
  sleep: (ms: number) => Promise<void>;
}
