import type { Build as BuildModel } from '../northflank/build.js';
import { BuildStatus, toBuildStatus } from './build-status.js';
import { builder } from './builder.js';

const BuildRegistry = builder.objectRef<NonNullable<BuildModel['registry']>>('BuildRegistry');

BuildRegistry.implement({
  description: 'Where the image produced by a build is stored.',
  fields: (t) => ({
    uri: t.exposeString('uri', { description: 'URI the image can be pulled from.' }),
  }),
});

export const Build = builder.objectRef<BuildModel>('Build');

Build.implement({
  description: 'One build of a Northflank service: the image built from a commit.',
  fields: (t) => ({
    id: t.exposeID('id', {
      nullable: false,
      description: 'Build id, for example "joyous-view-6290".',
    }),
    projectId: t.exposeID('projectId', {
      nullable: false,
      description: 'Project the service belongs to.',
    }),
    serviceId: t.exposeID('serviceId', { nullable: false, description: 'Service that was built.' }),
    branch: t.exposeString('branch', { description: 'Branch of the built commit.' }),
    pullRequestId: t.exposeID('pullRequestId', {
      description: 'Pull request the built commit belongs to, as a decimal string.',
    }),
    status: t.field({
      type: BuildStatus,
      description: 'Where the build is in its life.',
      resolve: (build, _args, context) => {
        if (build.status === null) return null;
        const status = toBuildStatus(build.status);
        if (status === 'UNKNOWN') context.unknownBuildStatuses.report(build.status);
        return status;
      },
    }),
    sha: t.exposeString('sha', { description: 'Commit hash that was built.' }),
    registry: t.field({
      type: BuildRegistry,
      description: 'Where the built image is stored.',
      resolve: (build) => build.registry,
    }),
    concluded: t.exposeBoolean('concluded', {
      description: 'True once the build has finished, whatever its outcome.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the build started.' }),
    success: t.exposeBoolean('success', { description: 'True when the build succeeded.' }),
    message: t.exposeString('message', {
      description: 'Description of the status, written by Northflank.',
    }),
    buildConcludedAt: t.expose('buildConcludedAt', {
      type: 'DateTime',
      description: 'When the build finished.',
    }),
  }),
});
