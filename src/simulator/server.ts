import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { authenticate } from './auth.js';
import { type BuildResponse, type FaultContext, sendBuildResponse } from './build-response.js';
import type { BuildStore } from './build-store.js';
import type { CallLog } from './call-log.js';
import { handleControlRequest } from './control-routes.js';
import { sendResponseFault } from './fault-responses.js';
import type { FaultRules } from './fault-rules.js';
import { type Fault, isSocketFault } from './faults.js';
import { isWellFormedId } from './ids.js';
import { type HourlyRateLimiter, retryAfterSeconds, setRateLimitHeaders } from './rate-limit.js';
import { errorBody, sendError } from './responses.js';
import { type BuildRoute, matchRoute } from './routes.js';
import { sendSocketFault } from './socket-faults.js';
import type { TimerSet } from './timers.js';

/** Everything a request handler reads or changes. */
export interface SimulatorState {
  now: () => number;
  /** Accepted tokens; any well-formed bearer token when undefined. */
  tokens: ReadonlySet<string> | undefined;
  /** Undefined when rate limiting is off. */
  rateLimiter: HourlyRateLimiter | undefined;
  controlRoutes: boolean;
  builds: BuildStore;
  faults: FaultRules;
  callLog: CallLog;
  timers: TimerSet;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Creates the `node:http` request listener. A request goes through these steps: control routes
 * (simulator mode only, not recorded), call recording, routing (404, 405), authentication (401),
 * rate limiting (429), faults, and finally the build lookup.
 */
export function createRequestListener(state: SimulatorState): RequestListener {
  const requestsPerSocket = new WeakMap<Socket, number>();

  return (req, res) => {
    const socketRequests = (requestsPerSocket.get(req.socket) ?? 0) + 1;
    requestsPerSocket.set(req.socket, socketRequests);

    handleRequest(req, res, state, socketRequests > 1).catch((error: unknown) => {
      sendUnexpectedError(res, error);
    });
  };
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  state: SimulatorState,
  reusedSocket: boolean,
): Promise<void> {
  const target = req.url ?? '/';
  const route = matchRoute(target);
  if (route.kind === 'control' && state.controlRoutes) {
    await handleControlRequest(req, res, route.pathname, state);
    return;
  }

  const method = req.method ?? 'GET';
  const finish = state.callLog.start({
    method,
    path: target,
    authorization: req.headers.authorization !== undefined,
    at: state.now(),
  });
  res.once('close', finish);

  if (route.kind !== 'build') {
    sendError(res, 404, `Not found: no route for ${method} ${shorten(target)}`);
    return;
  }
  if (method !== 'GET') {
    sendError(res, 405, `Method ${method} not allowed: the build route accepts GET`, {
      allow: 'GET',
    });
    return;
  }

  await handleBuildRequest(req, res, route, state, reusedSocket);
}

async function handleBuildRequest(
  req: IncomingMessage,
  res: ServerResponse,
  route: BuildRoute,
  state: SimulatorState,
  reusedSocket: boolean,
): Promise<void> {
  const auth = authenticate(req.headers.authorization, state.tokens);
  if (!auth.ok) {
    sendError(res, 401, auth.message, { 'www-authenticate': 'Bearer' });
    return;
  }

  if (!applyRateLimit(res, auth.token, state)) return;

  const normalResponse = (): BuildResponse => lookUpBuild(route, state);
  const fault = state.faults.take({ buildId: route.location.buildId, reusedSocket });
  if (fault === undefined) {
    sendBuildResponse(res, normalResponse());
    return;
  }

  await sendFault(fault, { res, normalResponse, sleep: (ms) => state.timers.sleep(ms) });
}

/**
 * Counts the request against the token's window and sets the `x-ratelimit-*` headers. Sends 429
 * and returns false when the window has no room left.
 */
function applyRateLimit(res: ServerResponse, token: string, state: SimulatorState): boolean {
  if (state.rateLimiter === undefined) return true;

  const decision = state.rateLimiter.consume(token, state.now());
  setRateLimitHeaders(res, decision);
  if (decision.allowed) return true;

  const retryAfter = retryAfterSeconds(decision);
  const message = `Rate limit exceeded: ${decision.limit} requests per hour. Retry in ${retryAfter} s.`;
  sendError(res, 429, message, { 'retry-after': String(retryAfter) });
  return false;
}

function lookUpBuild(route: BuildRoute, state: SimulatorState): BuildResponse {
  if (route.teamId !== undefined && !isWellFormedId(route.teamId)) {
    return { status: 404, body: errorBody(404, 'Team not found') };
  }

  const lookup = state.builds.find(route.location, state.now());
  if (lookup.found) return { status: 200, body: lookup.body };
  return { status: 404, body: errorBody(404, lookup.message) };
}

function sendFault(fault: Fault, context: FaultContext): Promise<void> {
  if (isSocketFault(fault)) return sendSocketFault(fault, context);
  return sendResponseFault(fault, context);
}

/**
 * Reports a bug in the simulator to the client as a 500 that names the error, because the
 * simulator has no logger. A response already under way is cut off instead.
 */
function sendUnexpectedError(res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }

  const reason = error instanceof Error ? error.message : String(error);
  sendError(res, 500, `Internal simulator error: ${reason}`);
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
