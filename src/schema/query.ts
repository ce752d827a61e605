import { assertValidId } from '../northflank/ids.js';
import { Build } from './build.js';
import { builder } from './builder.js';

builder.queryType({
  description: 'Read access to Northflank service builds.',
  fields: (t) => ({
    serviceBuild: t.field({
      type: Build,
      description:
        'One build of a service, by id. Fails with NOT_FOUND when Northflank has no such build.',
      args: {
        projectId: t.arg.id({
          required: true,
          description: 'Project id, for example "demo-project".',
        }),
        serviceId: t.arg.id({ required: true, description: 'Service id, for example "web-app".' }),
        buildId: t.arg.id({
          required: true,
          description: 'Build id, for example "joyous-view-6290".',
        }),
      },
      resolve: (_root, args, context) => {
        assertValidId('projectId', args.projectId);
        assertValidId('serviceId', args.serviceId);
        assertValidId('buildId', args.buildId);

        return context.buildLoader().load(args);
      },
    }),
  }),
});
