import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { RequestLike } from '../context.js';

const requestIds = new WeakMap<RequestLike, string>();

/** Ids a client or load balancer may pass in `x-request-id`; anything else is replaced. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Returns the request's id, assigning one on first use: a well-formed incoming `x-request-id`,
 * so an id set by a load balancer follows the request through, else a fresh UUID.
 */
export function getRequestId(request: RequestLike): string {
  let id = requestIds.get(request);
  if (id === undefined) {
    const incoming = request.headers.get('x-request-id');
    id = incoming !== null && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

/**
 * Returns every request's id in the `x-request-id` response header, so that a client can quote
 * it and an operator can find the matching log line. Responses that Yoga's built-in plugins end
 * early, such as `/healthz`, get it too.
 */
export function useRequestId(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set('x-request-id', getRequestId(request));
    },
  };
}
