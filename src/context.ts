import { type Credential, requireToken, resolveCredential } from './auth.js';
import type { AuthMode } from './config.js';
import { type BuildLoader, createBuildLoader } from './loaders/build-loader.js';
import type { Logger } from './logger.js';
import type { UnknownValueReporter } from './unknown-value-reporter.js';
import type { BuildSource } from './upstream/build-source.js';
import { type HashedCredential, hashCredential } from './upstream/credential.js';

/** Long-lived parts of the gateway that every request's context refers to. */
export interface GatewayServices {
  builds: BuildSource;
  logger: Logger;
  serverToken: string | undefined;
  /** `serverToken` with its hash, computed once rather than on every request that uses it. */
  serverCredential: HashedCredential | undefined;
  authMode: AuthMode;
  requestTimeoutMs: number;
  unknownBuildStatuses: UnknownValueReporter;
}

/**
 * The parts of an HTTP request that the gateway reads. A WHATWG `Request` has them, and so does the
 * lighter object that the fast path builds from a node:http request.
 */
export interface RequestLike {
  headers: { get(name: string): string | null };
  /** Aborts when the client disconnects before the response is sent. */
  signal: AbortSignal;
}

/** Resolver context, created anew for every GraphQL request so nothing leaks between users. */
export interface GatewayContext {
  requestId: string;
  logger: Logger;
  unknownBuildStatuses: UnknownValueReporter;
  /** The build loader of this request, bound to its token; throws UNAUTHENTICATED without one. */
  buildLoader(): BuildLoader;
}

export function createRequestContext(
  services: GatewayServices,
  request: RequestLike,
  requestId: string,
): GatewayContext {
  const credential: Credential = resolveCredential(
    request.headers.get('authorization'),
    services.serverToken,
    services.authMode,
  );
  // The operation's deadline starts when its context is built, just after the body is parsed.
  const waiter = { deadline: Date.now() + services.requestTimeoutMs, signal: request.signal };
  let loader: BuildLoader | undefined;

  return {
    requestId,
    logger: services.logger,
    unknownBuildStatuses: services.unknownBuildStatuses,
    buildLoader() {
      loader ??= createBuildLoader(services.builds, hashedCredential(services, credential), waiter);
      return loader;
    },
  };
}

function hashedCredential(services: GatewayServices, credential: Credential): HashedCredential {
  const token = requireToken(credential);
  const { serverCredential } = services;
  return serverCredential?.token === token ? serverCredential : hashCredential(token);
}
