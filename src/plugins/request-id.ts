import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const requestIds = new WeakMap<Request, string>();

/** Ids a client or load balancer may pass in `x-request-id`; anything else is replaced. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Returns the id the request-id plugin gave a request, or a fresh one for any other request. */
export function getRequestId(request: Request): string {
  let id = requestIds.get(request);
  if (id === undefined) {
    id = randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

/**
 * Gives every request an id, returned in the `x-request-id` response header so that a client
 * can quote it and an operator can find the matching log line. A well-formed incoming id is kept,
 * so an id set by a load balancer follows the request through.
 */
export function useRequestId(): Plugin {
  return {
    onRequest({ request }) {
      const incoming = request.headers.get('x-request-id');
      requestIds.set(
        request,
        incoming !== null && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID(),
      );
    },
    onResponse({ request, response }) {
      response.headers.set('x-request-id', getRequestId(request));
    },
  };
}
