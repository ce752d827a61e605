/** The 13 build statuses that Northflank documents, in the order of its reference. */
export const BUILD_STATUSES = [
  'QUEUED',
  'PENDING',
  'UNSCHEDULABLE',
  'STARTING',
  'CLONING',
  'BUILDING',
  'UPLOADING',
  'ABORTED',
  'FAILURE',
  'SUBMISSION_FAILURE',
  'SUCCESS',
  'CRASHED',
  'IN_PROGRESS',
] as const;

export type BuildStatus = (typeof BUILD_STATUSES)[number];

/**
 * Statuses of a finished build. Northflank does not document their meaning, so these are the ones
 * whose names read as final. The simulator sets `concluded` and `buildConcludedAt` for them.
 */
export const FINAL_STATUSES: ReadonlySet<BuildStatus> = new Set([
  'ABORTED',
  'FAILURE',
  'SUBMISSION_FAILURE',
  'SUCCESS',
  'CRASHED',
]);

/** The `message` that simulated builds carry for each status. */
export const STATUS_MESSAGES: Readonly<Record<BuildStatus, string>> = {
  QUEUED: 'Build is queued',
  PENDING: 'Waiting for build resources',
  UNSCHEDULABLE: 'Build cannot be scheduled: not enough resources in the build cluster',
  STARTING: 'Build is starting',
  CLONING: 'Cloning repository',
  BUILDING: 'Building image',
  UPLOADING: 'Uploading image to the registry',
  ABORTED: 'Build was aborted',
  FAILURE: 'Build failed: Dockerfile step 5/9 exited with code 1',
  SUBMISSION_FAILURE: 'Build could not be submitted to the build cluster',
  SUCCESS: 'Image successfully built',
  CRASHED: 'Build container crashed',
  IN_PROGRESS: 'Build is in progress',
};
