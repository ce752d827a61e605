import { builder } from './builder.js';

/** Statuses Northflank documents, each with what the gateway takes it to mean. */
const DOCUMENTED_STATUSES = {
  QUEUED: 'Waiting in the queue for a builder.',
  PENDING: 'Accepted and waiting to be scheduled.',
  UNSCHEDULABLE: 'No builder could be scheduled for it.',
  STARTING: 'A builder is starting.',
  CLONING: 'The repository is being cloned.',
  BUILDING: 'The image is being built.',
  UPLOADING: 'The built image is being pushed to the registry.',
  ABORTED: 'Stopped before it finished. Final.',
  FAILURE: 'The build failed. Final.',
  SUBMISSION_FAILURE: 'The build could not be submitted. Final.',
  SUCCESS: 'The image was built and pushed. Final.',
  CRASHED: 'The builder crashed. Final.',
  IN_PROGRESS: 'Running, in a phase the upstream does not detail.',
} as const;

export type BuildStatusValue = keyof typeof DOCUMENTED_STATUSES | 'UNKNOWN';

export const BuildStatus = builder.enumType('BuildStatus', {
  description:
    'Where a build is in its life. Northflank may add statuses; those arrive as UNKNOWN rather than as an error, so check `concluded` to know whether a build has finished.',
  values: {
    ...Object.fromEntries(
      Object.entries(DOCUMENTED_STATUSES).map(([name, description]) => [name, { description }]),
    ),
    UNKNOWN: {
      description:
        'A status this gateway does not know yet; `concluded` still tells whether the build has finished.',
    },
  } as Record<BuildStatusValue, { description: string }>,
});

/** Maps the upstream's status to the enum; returns UNKNOWN for a value added after this release. */
export function toBuildStatus(value: string): BuildStatusValue {
  return Object.hasOwn(DOCUMENTED_STATUSES, value) ? (value as BuildStatusValue) : 'UNKNOWN';
}
