import type { BuildLocation } from './ids.js';
import { createBuild, type SimulatedBuild } from './simulated-build.js';
import type { BuildStatus } from './statuses.js';

const DEMO_PROJECT = 'demo-project';
const SHOP_PROJECT = 'shop-backend';

function at(projectId: string, serviceId: string, buildId: string): BuildLocation {
  return { projectId, serviceId, buildId };
}

/**
 * Ids of one seed build in each of the 13 statuses. SUCCESS is the documented example build.
 * The builds are spread over `demo-project/web-app`, `demo-project/api-worker` and
 * `shop-backend/checkout-api`.
 */
const BY_STATUS = {
  QUEUED: at(DEMO_PROJECT, 'web-app', 'quiet-harbor-1042'),
  PENDING: at(DEMO_PROJECT, 'api-worker', 'patient-river-2210'),
  UNSCHEDULABLE: at(SHOP_PROJECT, 'checkout-api', 'stranded-comet-3391'),
  STARTING: at(DEMO_PROJECT, 'api-worker', 'eager-falcon-4406'),
  CLONING: at(DEMO_PROJECT, 'api-worker', 'curious-otter-5127'),
  BUILDING: at(DEMO_PROJECT, 'web-app', 'busy-beacon-6043'),
  UPLOADING: at(DEMO_PROJECT, 'api-worker', 'swift-meadow-7315'),
  ABORTED: at(DEMO_PROJECT, 'api-worker', 'halted-summit-8150'),
  FAILURE: at(DEMO_PROJECT, 'web-app', 'broken-anchor-9024'),
  SUBMISSION_FAILURE: at(SHOP_PROJECT, 'checkout-api', 'lost-parcel-1178'),
  SUCCESS: at(DEMO_PROJECT, 'web-app', 'joyous-view-6290'),
  CRASHED: at(SHOP_PROJECT, 'checkout-api', 'fallen-tower-2469'),
  IN_PROGRESS: at(DEMO_PROJECT, 'web-app', 'steady-current-3586'),
} as const satisfies Record<BuildStatus, BuildLocation>;

/**
 * Ids of the seed builds that tests and docs refer to.
 *
 * - `example`: the build of Northflank's documentation, served field for field.
 * - `running`: a build that stays BUILDING.
 * - `progressing`: a build that moves from QUEUED to SUCCESS on the simulator's clock, one status
 *   every `PROGRESSION_STEP_MS` after the simulator was created.
 * - `pullRequest`: a concluded build with `pullRequestId` and `registry.uri`.
 * - `missing`: a build id starting with `missing-`, which the simulator reports as not found.
 * - `byStatus`: one build in each documented status.
 */
export const DEMO_BUILDS = {
  example: BY_STATUS.SUCCESS,
  running: BY_STATUS.BUILDING,
  progressing: at(DEMO_PROJECT, 'web-app', 'rising-tide-4821'),
  pullRequest: at(DEMO_PROJECT, 'web-app', 'brave-pine-3107'),
  missing: at(DEMO_PROJECT, 'web-app', 'missing-build-0404'),
  byStatus: BY_STATUS,
} as const;

/** The documented example build, exactly as Northflank's API reference prints it. */
const EXAMPLE_BUILD: SimulatedBuild = {
  id: 'joyous-view-6290',
  branch: 'main',
  status: 'SUCCESS',
  sha: '12c15e7ee25fd78f567ebf87f9178b8ad70025b3',
  concluded: true,
  createdAt: '2021-07-28T15:55:38.296Z',
  success: true,
  message: 'Image successfully built',
  buildConcludedAt: 1606237973,
};

const MINUTE_MS = 60_000;

interface SeedBuild {
  location: BuildLocation;
  build: SimulatedBuild;
}

function seed(
  status: Exclude<BuildStatus, 'SUCCESS'>,
  branch: string,
  createdAt: string,
  runMinutes: number,
): SeedBuild {
  const location = BY_STATUS[status];
  const build = createBuild({
    id: location.buildId,
    branch,
    status,
    createdAtMs: Date.parse(createdAt),
    runMs: runMinutes * MINUTE_MS,
  });
  return { location, build };
}

const PULL_REQUEST_BUILD = createBuild({
  id: DEMO_BUILDS.pullRequest.buildId,
  branch: 'feature/checkout-flow',
  status: 'SUCCESS',
  createdAtMs: Date.parse('2024-03-14T09:26:53.589Z'),
  runMs: 4 * MINUTE_MS,
  pullRequestId: 42,
  registryUri: 'registry.northflank.com/demo-project/web-app:brave-pine-3107',
});

/**
 * Seed builds with fixed contents, so every field of these responses is the same on every run.
 * The progressing build is not here because its contents depend on the clock.
 */
export const SEED_BUILDS: readonly SeedBuild[] = [
  { location: DEMO_BUILDS.example, build: EXAMPLE_BUILD },
  { location: DEMO_BUILDS.pullRequest, build: PULL_REQUEST_BUILD },
  seed('QUEUED', 'main', '2024-05-02T10:15:00.000Z', 0),
  seed('PENDING', 'main', '2024-05-02T10:14:12.000Z', 0),
  seed('UNSCHEDULABLE', 'release/2024-05', '2024-05-01T22:40:31.512Z', 0),
  seed('STARTING', 'develop', '2024-05-02T10:13:05.004Z', 0),
  seed('CLONING', 'develop', '2024-05-02T10:12:44.870Z', 0),
  seed('BUILDING', 'main', '2024-05-02T10:09:18.120Z', 0),
  seed('UPLOADING', 'fix/queue-retry', '2024-05-02T10:05:57.333Z', 0),
  seed('ABORTED', 'feature/bulk-export', '2024-04-30T16:02:10.250Z', 3),
  seed('FAILURE', 'feature/new-navbar', '2024-04-29T08:47:03.901Z', 2),
  seed('SUBMISSION_FAILURE', 'main', '2024-04-28T13:30:00.000Z', 0),
  seed('CRASHED', 'main', '2024-04-27T19:21:45.678Z', 7),
  seed('IN_PROGRESS', 'main', '2024-05-02T10:11:02.450Z', 0),
];
