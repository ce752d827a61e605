/**
 * A simulated Northflank REST API: the embedded upstream of the demo and the HTTP upstream of the
 * tests. It serves `GET /v1/projects/{projectId}/services/{serviceId}/build/{buildId}` and the same
 * route under `/v1/teams/{teamId}`, with bearer authentication, hourly rate limits and faults.
 *
 * Seed builds are listed in `DEMO_BUILDS`. Any other well-formed id gets a generated, concluded
 * SUCCESS build, except build ids starting with `missing-`, which return 404 "Build not found" so
 * that a demo can show NOT_FOUND without setting up a fault.
 */
export { MISSING_BUILD_PREFIX } from './build-store.js';
export type { RecordedCall } from './call-log.js';
export { DEMO_BUILDS } from './data.js';
export type { Fault, FaultKind, FaultRule, ResponseFault, SocketFault } from './faults.js';
export { DEFAULT_DRIP_CHUNK_BYTES, DEFAULT_LARGE_BODY_BYTES } from './faults.js';
export type { BuildLocation } from './ids.js';
export { InvalidFaultRuleError } from './parse-fault-rule.js';
export { PROGRESSION_STATUSES, PROGRESSION_STEP_MS } from './progression.js';
export { DEFAULT_HOURLY_LIMIT, RATE_LIMIT_WINDOW_MS } from './rate-limit.js';
export type { SimulatedBuild } from './simulated-build.js';
export { createSimulator } from './simulator.js';
export { BUILD_STATUSES, type BuildStatus, FINAL_STATUSES } from './statuses.js';
export type { Simulator, SimulatorOptions } from './types.js';
