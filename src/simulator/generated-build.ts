import { createHash } from 'node:crypto';
import { type BuildLocation, locationKey } from './ids.js';
import { createBuild, type SimulatedBuild } from './simulated-build.js';

/** Generated builds start within the year after this time (2024-01-01T00:00:00Z). */
const GENERATED_EPOCH_MS = Date.UTC(2024, 0, 1);
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

const BRANCHES = ['main', 'develop', 'feature/checkout-flow', 'fix/login-timeout'] as const;

/**
 * Returns a concluded SUCCESS build for an id that has no seed build. Every field is derived from
 * the three ids, so the same request always gets the same build, and each build id gets its own.
 * The run takes 1 to 10 minutes.
 */
export function generateBuild(location: BuildLocation): SimulatedBuild {
  const digest = createHash('sha256').update(locationKey(location)).digest();
  const startOffsetMs = digest.readUIntBE(0, 6) % YEAR_MS;
  const runMs = 60_000 + (digest.readUInt16BE(6) % 540) * 1000;
  const branch = BRANCHES[digest.readUInt8(8) % BRANCHES.length] ?? 'main';

  return createBuild({
    id: location.buildId,
    branch,
    status: 'SUCCESS',
    createdAtMs: GENERATED_EPOCH_MS + startOffsetMs,
    runMs,
    sha: digest.subarray(12, 32).toString('hex'),
  });
}
