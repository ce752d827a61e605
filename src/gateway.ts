import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createRequestContext, type GatewayContext, type GatewayServices } from './context.js';
import { ErrorCode } from './errors.js';
import type { Logger } from './logger.js';
import { useErrorBoundary } from './plugins/error-boundary.js';
import { getRequestId, useRequestId } from './plugins/request-id.js';
import { getSchema } from './schema/index.js';
import { UnknownValueReporter } from './unknown-value-reporter.js';
import type { BuildSource } from './upstream/build-source.js';
import { createBuildSource, type UpstreamConfig } from './upstream/create-build-source.js';
import { toYogaLogger } from './yoga-logger.js';

export type GatewayConfig = UpstreamConfig &
  Pick<Config, 'northflankApiToken' | 'requestTimeoutMs' | 'corsOrigins'>;

export interface GatewayOptions {
  logger: Logger;
  /** Source of randomness for retry jitter, replaceable so tests can assert exact delays. */
  random?: () => number;
}

export const GRAPHQL_PATH = '/graphql';

/** The query GraphiQL opens with; it returns a build of the simulator's demo data. */
export const DEFAULT_QUERY = `# Fetch one build of a Northflank service.
# With the demo's simulated API, try buildId "missing-build" to see a NOT_FOUND error.
query ServiceBuild {
  serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: "joyous-view-6290") {
    id
    status
    branch
    sha
    concluded
    success
    message
    createdAt
    buildConcludedAt
    pullRequestId
    registry {
      uri
    }
  }
}
`;

/** A gateway instance: the Yoga request handler plus the resources it owns. */
export interface Gateway {
  yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>;
  /** The upstream layer, whose `stats()` show calls, timers and connections still pending. */
  builds: BuildSource;
  /** Makes `/readyz` return 503, so load balancers stop sending new traffic. */
  markShuttingDown(): void;
  /** Releases upstream connections. */
  close(): Promise<void>;
}

export function createGateway(config: GatewayConfig, options: GatewayOptions): Gateway {
  const { logger } = options;
  const upstream = createBuildSource(config, logger, options.random);
  const services: GatewayServices = {
    builds: upstream.source,
    logger,
    serverToken: config.northflankApiToken,
    requestTimeoutMs: config.requestTimeoutMs,
    unknownBuildStatuses: new UnknownValueReporter(logger, 'build status'),
  };
  let shuttingDown = false;

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema: getSchema(),
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    multipart: false,
    logging: toYogaLogger(logger),
    cors: (request) => corsFor(request, config.corsOrigins),
    graphiql: { title: 'Northflank GraphQL gateway', defaultQuery: DEFAULT_QUERY },
    renderGraphiQL,
    maskedErrors: { maskError: maskUnexpectedError },
    context: ({ request }) => createRequestContext(services, request, getRequestId(request)),
    plugins: [
      useRequestId(),
      useErrorBoundary(),
      useReadinessCheck({ endpoint: '/readyz', check: () => !shuttingDown }),
    ],
  });

  return {
    yoga,
    builds: upstream.source,
    markShuttingDown: () => {
      shuttingDown = true;
    },
    close: () => upstream.close(),
  };
}

/** Allows only listed origins, and never with credentials: tokens travel in a header. */
function corsFor(request: Request, allowedOrigins: readonly string[]) {
  const origin = request.headers.get('origin');
  if (origin === null || !allowedOrigins.includes(origin)) return false as const;

  return {
    origin,
    credentials: false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type'],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  };
}

/**
 * Yoga's last line of defence for errors outside field execution, which the error boundary
 * plugin does not see. Errors built on purpose pass; anything else is hidden.
 */
function maskUnexpectedError(error: unknown): Error {
  if (error instanceof GraphQLError && !(error.originalError instanceof Error)) return error;
  if (error instanceof GraphQLError && error.originalError instanceof GraphQLError) return error;

  return new GraphQLError('Unexpected error', {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  });
}
