// Calls to the simulator's control routes (src/simulator/control-routes.ts), which the simulator
// serves in simulator mode and does not record as API calls.

/** Sends one control request and returns the parsed JSON body, if any. */
async function control(simulatorUrl, method, path, body) {
  const init = { method };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }

  const response = await fetch(`${simulatorUrl}/__simulator/${path}`, init);
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} /__simulator/${path} failed with ${response.status}: ${text}`);
  }
  return text === '' ? undefined : JSON.parse(text);
}

/** Delays every get-build response by `ms` until `clearFaults`. */
export function addLatency(simulatorUrl, ms) {
  return control(simulatorUrl, 'POST', 'faults', { fault: { kind: 'latency', ms } });
}

export function clearFaults(simulatorUrl) {
  return control(simulatorUrl, 'DELETE', 'faults');
}

/**
 * Clears the recorded calls. The simulator keeps every call in memory and returns them all from
 * `GET /__simulator/calls`, so clearing before each window keeps both small.
 */
export function resetCalls(simulatorUrl) {
  return control(simulatorUrl, 'DELETE', 'calls');
}

/** Returns the number of API calls recorded since the last reset and the maximum in flight. */
export async function readCalls(simulatorUrl) {
  const { data } = await control(simulatorUrl, 'GET', 'calls');
  return { count: data.count, maxInFlight: data.maxInFlight };
}
