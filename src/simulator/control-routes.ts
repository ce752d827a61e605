import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './call-log.js';
import type { FaultRules } from './fault-rules.js';
import type { FaultRule } from './faults.js';
import { InvalidFaultRuleError, parseFaultRule } from './parse-fault-rule.js';
import { sendEmpty, sendError, sendJson } from './responses.js';

/** Fault rules are small, so a larger body is rejected with 413 before it is parsed. */
const MAX_CONTROL_BODY_BYTES = 64 * 1024;

export interface ControlState {
  faults: FaultRules;
  callLog: CallLog;
}

type ControlHandler = (req: IncomingMessage, res: ServerResponse, state: ControlState) => unknown;

/**
 * Routes of simulator mode:
 * - `POST /__simulator/faults` adds a fault rule sent as JSON and returns it with 201.
 * - `DELETE /__simulator/faults` removes all fault rules.
 * - `GET /__simulator/calls` returns the recorded calls, their count and the maximum in flight.
 * - `DELETE /__simulator/calls` clears the recorded calls.
 */
const CONTROL_ROUTES: Readonly<Record<string, Readonly<Record<string, ControlHandler>>>> = {
  '/__simulator/faults': { POST: addFault, DELETE: clearFaults },
  '/__simulator/calls': { GET: listCalls, DELETE: resetCalls },
};

/** Serves a request under `/__simulator/`. These requests are not recorded as calls. */
export async function handleControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  state: ControlState,
): Promise<void> {
  const handlers = CONTROL_ROUTES[pathname];
  if (handlers === undefined) {
    sendError(res, 404);
    return;
  }

  const handler = handlers[req.method ?? ''];
  if (handler === undefined) {
    const allowed = Object.keys(handlers).join(', ');
    sendError(res, 405, `Method ${req.method} not allowed on ${pathname}. Use ${allowed}.`, {
      allow: allowed,
    });
    return;
  }

  await handler(req, res, state);
}

async function addFault(req: IncomingMessage, res: ServerResponse, state: ControlState) {
  const text = await readBody(req, MAX_CONTROL_BODY_BYTES);
  if (text === undefined) {
    sendError(res, 413, `Fault rule too large: the limit is ${MAX_CONTROL_BODY_BYTES} bytes`);
    return;
  }

  let rule: FaultRule;
  try {
    rule = parseFaultRule(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) {
      sendError(res, 400, `Invalid JSON in fault rule: ${error.message}`);
      return;
    }
    if (error instanceof InvalidFaultRuleError) {
      sendError(res, 400, error.message);
      return;
    }
    throw error;
  }

  state.faults.add(rule);
  sendJson(res, 201, JSON.stringify({ data: { rule, activeRules: state.faults.size } }));
}

function clearFaults(_req: IncomingMessage, res: ServerResponse, state: ControlState) {
  state.faults.clear();
  sendEmpty(res, 204);
}

function listCalls(_req: IncomingMessage, res: ServerResponse, state: ControlState) {
  const { callLog } = state;
  const data = { calls: callLog.calls, count: callLog.count(), maxInFlight: callLog.maxInFlight() };
  sendJson(res, 200, JSON.stringify({ data }));
}

function resetCalls(_req: IncomingMessage, res: ServerResponse, state: ControlState) {
  state.callLog.reset();
  sendEmpty(res, 204);
}

/**
 * Reads the request body as UTF-8, or returns undefined when it exceeds `maxBytes`. The rest of a
 * large body is still read and dropped, because ending the read early would destroy the socket
 * before the 413 is sent.
 */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= maxBytes) chunks.push(buffer);
  }
  return size > maxBytes ? undefined : Buffer.concat(chunks).toString('utf8');
}
