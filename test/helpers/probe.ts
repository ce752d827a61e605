import { expect } from 'vitest';
import type { TestGateway } from './start-gateway.js';

/** Returns a query for one build that costs exactly one upstream call when nothing stops it. */
export function buildQuery(buildId: string): string {
  return `{ serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "${buildId}") { id } }`;
}

/**
 * Checks that an attack reached nothing upstream, then that the same build asked normally costs
 * exactly one upstream call, so a test cannot pass just because its probe never got through.
 */
export async function expectUpstreamUntouched(
  gateway: TestGateway,
  buildId: string,
  headers: Record<string, string> = {},
): Promise<void> {
  expect(gateway.simulator.callCount()).toBe(0);

  const normal = await gateway.query(buildQuery(buildId), { headers });

  expect(normal.body.errors).toBeUndefined();
  expect(gateway.simulator.callCount()).toBe(1);
}
