import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

/**
 * Gives every error a stable `extensions.code` and no `extensions.originalError`. Yoga leaves the
 * code out of some request errors (a missing variable, an unsupported operation type) and adds
 * `originalError` to others: the JSON parser's message for an invalid body quotes the body back.
 */
export function useRequestErrorShape(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || isAsyncIterable(result)) return;
      if (result.errors === undefined || result.errors.length === 0) return;
      if (!result.errors.some(needsReshaping)) return;

      setResult({ ...result, errors: result.errors.map(reshape) });
    },
  };
}

function needsReshaping(error: GraphQLError): boolean {
  return error.extensions?.code === undefined || error.extensions?.originalError !== undefined;
}

function reshape(error: GraphQLError): GraphQLError {
  if (!needsReshaping(error)) return error;

  const { originalError: _hidden, http, code, ...rest } = error.extensions ?? {};
  // Yoga responds to a JSON client with 200 instead of the error's status once `originalError` is
  // gone, unless the status is no longer marked as a mere spec suggestion.
  const status = (http as { status?: number } | undefined)?.status;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: {
      ...rest,
      code: code ?? 'BAD_REQUEST',
      ...(status === undefined ? {} : { http: { status } }),
    },
  });
}
