import { DEMO_BUILDS } from './data.js';
import { createBuild, type SimulatedBuild } from './simulated-build.js';
import type { BuildStatus } from './statuses.js';

/** Time in ms that the progressing build spends in each status before SUCCESS. */
export const PROGRESSION_STEP_MS = 10_000;

/** The statuses of the progressing build in order. It stays SUCCESS after the last step. */
export const PROGRESSION_STATUSES = [
  'QUEUED',
  'STARTING',
  'CLONING',
  'BUILDING',
  'UPLOADING',
  'SUCCESS',
] as const satisfies readonly BuildStatus[];

const LAST_STEP = PROGRESSION_STATUSES.length - 1;

/**
 * Returns the progressing build at `nowMs`, for a build that started at `startedAtMs` (both Unix
 * time in ms). A clock earlier than the start reads as the first step.
 * Once SUCCESS, the build is concluded at the start of that step.
 */
export function progressingBuildAt(startedAtMs: number, nowMs: number): SimulatedBuild {
  const elapsedMs = Math.max(0, nowMs - startedAtMs);
  const step = Math.min(LAST_STEP, Math.floor(elapsedMs / PROGRESSION_STEP_MS));
  const status: BuildStatus = PROGRESSION_STATUSES[step] ?? 'SUCCESS';

  return createBuild({
    id: DEMO_BUILDS.progressing.buildId,
    branch: 'main',
    status,
    createdAtMs: startedAtMs,
    runMs: LAST_STEP * PROGRESSION_STEP_MS,
  });
}
