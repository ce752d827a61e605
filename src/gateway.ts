import type { IncomingMessage, ServerResponse } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createYoga, type Plugin, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createRequestContext, type GatewayContext, type GatewayServices } from './context.js';
import { createFastPath, type FastPath } from './fast-path/handler.js';
import { captureYogaServer } from './fast-path/yoga-server.js';
import type { Logger } from './logger.js';
import { corsFor } from './plugins/cors.js';
import { maskUnexpectedError, useErrorBoundary } from './plugins/error-boundary.js';
import { type GraphiQLPagePlugin, useGraphiQLPage } from './plugins/graphiql-page.js';
import { useHttpHardening } from './plugins/http-hardening.js';
import {
  createInboundLimiter,
  type InboundLimiter,
  useInboundLimits,
} from './plugins/inbound-limits.js';
import { useOperationLimits } from './plugins/operation-limits.js';
import { useRequestErrorShape } from './plugins/request-error-shape.js';
import { getRequestId, useRequestId } from './plugins/request-id.js';
import { getSchema } from './schema/index.js';
import { UnknownValueReporter } from './unknown-value-reporter.js';
import type { BuildSource } from './upstream/build-source.js';
import { createBuildSource, type UpstreamConfig } from './upstream/create-build-source.js';
import { hashCredential } from './upstream/credential.js';
import { toYogaLogger } from './yoga-logger.js';

export type GatewayConfig = UpstreamConfig &
  Pick<
    Config,
    | 'northflankApiToken'
    | 'authMode'
    | 'requestTimeoutMs'
    | 'corsOrigins'
    | 'production'
    | 'graphiql'
    | 'introspection'
    | 'maxDepth'
    | 'maxAliases'
    | 'maxTokens'
    | 'maxDirectives'
    | 'maxCost'
    | 'maxBodyBytes'
    | 'clientRateLimitPerMinute'
    | 'maxInflightOperations'
    | 'trustProxy'
    | 'allowedHosts'
    | 'fastPath'
  >;

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
  /** The node:http request listener: the fast path when it takes the request, else Yoga. */
  handleRequest(request: IncomingMessage, response: ServerResponse): void;
  /** The fast path for plain JSON POSTs; `undefined` when FAST_PATH is off. */
  fastPath: FastPath | undefined;
  /** The upstream layer, whose `stats()` show calls, timers and connections still pending. */
  builds: BuildSource;
  /** Makes `/readyz` return 503, so load balancers stop sending new traffic. */
  markShuttingDown(): void;
  /**
   * Does start-up work that need not delay readiness: renders the GraphiQL page once, so the
   * first browser does not wait for it.
   */
  warmUp(): Promise<void>;
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
    serverCredential:
      config.northflankApiToken === undefined
        ? undefined
        : hashCredential(config.northflankApiToken),
    authMode: config.authMode,
    requestTimeoutMs: config.requestTimeoutMs,
    unknownBuildStatuses: new UnknownValueReporter(logger, 'build status'),
  };
  let shuttingDown = false;
  const limiter = createInboundLimiter({
    perClientPerMinute: config.clientRateLimitPerMinute,
    maxInflight: config.maxInflightOperations,
    trustProxy: config.trustProxy,
  });
  const yogaServer = captureYogaServer();
  const graphiqlPage = config.graphiql
    ? useGraphiQLPage({
        endpoint: GRAPHQL_PATH,
        title: 'Northflank GraphQL gateway',
        defaultQuery: DEFAULT_QUERY,
      })
    : undefined;

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema: getSchema(),
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    multipart: false,
    batching: false,
    maxRequestBodySize: config.maxBodyBytes,
    logging: toYogaLogger(logger),
    cors: (request) => corsFor(request, config.corsOrigins),
    // Served by useGraphiQLPage instead: rendered once, compressed, with a strict CSP.
    graphiql: false,
    maskedErrors: { maskError: maskUnexpectedError, isDev: false },
    context: ({ request }) => createRequestContext(services, request, getRequestId(request)),
    plugins: [
      ...createPlugins(config, limiter, graphiqlPage, () => !shuttingDown),
      yogaServer.plugin,
    ],
  });
  const fastPath = config.fastPath
    ? createFastPath({
        yogaServer: yogaServer.server,
        waitUntil: yoga.waitUntil,
        graphqlPath: GRAPHQL_PATH,
        maxBodyBytes: config.maxBodyBytes,
        allowedHosts: config.allowedHosts,
        limiter,
        logger,
      })
    : undefined;

  return {
    yoga,
    handleRequest:
      fastPath === undefined
        ? yoga
        : (request, response) => {
            if (!fastPath.handle(request, response)) yoga(request, response);
          },
    fastPath,
    builds: upstream.source,
    markShuttingDown: () => {
      shuttingDown = true;
    },
    warmUp: async () => {
      await graphiqlPage?.prepare();
    },
    close: () => upstream.close(),
  };
}

/** Yoga plugins in the order they must run: request handling first, then execution. */
function createPlugins(
  config: GatewayConfig,
  limiter: InboundLimiter,
  graphiqlPage: GraphiQLPagePlugin | undefined,
  isReady: () => boolean,
): Plugin[] {
  return [
    useRequestId(),
    useHttpHardening({
      graphqlPath: GRAPHQL_PATH,
      allowedHosts: config.allowedHosts,
      corsOrigins: config.corsOrigins,
    }),
    ...(graphiqlPage === undefined ? [] : [graphiqlPage]),
    useInboundLimits(limiter, { graphqlPath: GRAPHQL_PATH, graphiql: config.graphiql }),
    useReadinessCheck({ endpoint: '/readyz', check: isReady }),
    ...useOperationLimits(config),
    // Compiles each parsed operation to JavaScript once, keyed by the document that Yoga's parse
    // cache keeps, and runs the compiled form in place of graphql-js's interpreter.
    useGraphQlJit() as Plugin,
    useErrorBoundary() as Plugin,
    useRequestErrorShape(),
  ];
}
