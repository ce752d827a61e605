import type { Plugin, YogaServer } from 'graphql-yoga';

// biome-ignore lint/suspicious/noExplicitAny: matches the context types of any Yoga instance.
export type AnyYogaServer = YogaServer<any, any>;

/** A plugin that keeps the Yoga server it is registered on, and a getter for that server. */
export interface YogaServerCapture {
  plugin: Plugin;
  /** Returns the server; throws before `createYoga` has run. */
  server(): AnyYogaServer;
}

/**
 * Captures the `YogaServer` behind `createYoga`'s request listener. Its `handle` method runs
 * Yoga's whole GraphQL handling (request parsing, parameter checks, the envelop plugins,
 * execution and result processing) without the @whatwg-node/server layer around it.
 *
 * NOTE: Yoga 5.24 marks `YogaServer` as internal. The tests that compare the fast path's
 * responses with Yoga's byte for byte are what catch a change in it on an upgrade.
 */
export function captureYogaServer(): YogaServerCapture {
  let captured: AnyYogaServer | undefined;
  return {
    plugin: {
      onYogaInit({ yoga }) {
        captured = yoga as AnyYogaServer;
      },
    },
    server() {
      if (captured === undefined) throw new Error('The Yoga server has not been created yet.');
      return captured;
    },
  };
}
