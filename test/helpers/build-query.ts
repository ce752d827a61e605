import { TEST_TOKEN, type TestGateway } from './start-gateway.js';

/** Project and service of every build these helpers request. The simulator serves any build id. */
export const PROJECT_ID = 'demo-project';
export const SERVICE_ID = 'web-app';

const BUILD_QUERY = `query ($buildId: ID!) {
  serviceBuild(projectId: "${PROJECT_ID}", serviceId: "${SERVICE_ID}", buildId: $buildId) {
    id
    status
  }
}`;

/** What one `serviceBuild` request returned over HTTP. */
export interface BuildResult {
  status: number;
  build: { id: string; status: string } | null;
  /** `extensions.code` of the first error, or undefined when the field succeeded. */
  code: unknown;
  extensions: Record<string, unknown> | undefined;
  message: string | undefined;
}

export interface BuildQueryOptions {
  /** Bearer token of the request. @default TEST_TOKEN */
  token?: string;
  /** Aborts the HTTP request, as a client that disconnects does. */
  signal?: AbortSignal;
}

/** Sends one `serviceBuild` query as its own HTTP request and returns its field result. */
export async function queryBuild(
  gateway: TestGateway,
  buildId: string,
  options: BuildQueryOptions = {},
): Promise<BuildResult> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${options.token ?? TEST_TOKEN}`,
    },
    body: JSON.stringify({ query: BUILD_QUERY, variables: { buildId } }),
    signal: options.signal,
  });
  const body = (await response.json()) as {
    data?: { serviceBuild?: BuildResult['build'] } | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
  const error = body.errors?.[0];

  return {
    status: response.status,
    build: body.data?.serviceBuild ?? null,
    code: error?.extensions?.code,
    extensions: error?.extensions,
    message: error?.message,
  };
}

/** Sends `count` queries for distinct builds, all at once, and returns their results in order. */
export function queryDistinctBuilds(
  gateway: TestGateway,
  prefix: string,
  count: number,
): Promise<BuildResult[]> {
  return Promise.all(
    Array.from({ length: count }, (_, index) => queryBuild(gateway, `${prefix}-${index}`)),
  );
}

/** Upstream path of a build, as the simulator records it. */
export function buildPath(buildId: string): string {
  return `/v1/projects/${PROJECT_ID}/services/${SERVICE_ID}/build/${buildId}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 10 ms until it is true or `timeoutMs` passes, and returns its last value. */
export async function waitFor(condition: () => boolean, timeoutMs = 1000): Promise<boolean> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= giveUpAt) return false;
    await sleep(10);
  }
  return true;
}
