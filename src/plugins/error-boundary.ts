import { GraphQLError, type Source } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';
import { ErrorCode, isGatewayError } from '../errors.js';

const UNEXPECTED_MESSAGE = 'Unexpected error';

/**
 * Turns every error of an execution into a GraphQLError with a stable `extensions.code`. Expected
 * failures keep their message. Anything else is a bug, so the client gets only "Unexpected error"
 * and the request id, and the real error is logged once with that id.
 */
export function useErrorBoundary(): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      const source = args.document.loc?.source;
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (result.errors === undefined || result.errors.length === 0) return;
            setResult({
              ...result,
              errors: result.errors.map((error) => toClientError(error, context, source)),
            });
          });
        },
      };
    },
  };
}

function toClientError(
  error: GraphQLError,
  context: GatewayContext,
  source: Source | undefined,
): GraphQLError {
  const original = error.originalError;
  if (original === undefined || original === null || original instanceof GraphQLError) return error;

  if (isGatewayError(original)) {
    return withLocation(error, source, original.message, {
      code: original.code,
      ...original.details,
    });
  }

  context.logger.error(
    { err: original, requestId: context.requestId, path: error.path?.join('.') },
    'Unexpected error while resolving a field',
  );
  return withLocation(error, source, UNEXPECTED_MESSAGE, {
    code: ErrorCode.INTERNAL_SERVER_ERROR,
    requestId: context.requestId,
  });
}

/**
 * Builds the client's error at the place of the original. graphql-jit reports only `locations`,
 * without the nodes they come from, and Yoga rebuilds every error from its source and positions
 * before sending it, so the positions are worked out from the locations.
 */
function withLocation(
  error: GraphQLError,
  source: Source | undefined,
  message: string,
  extensions: Record<string, unknown>,
): GraphQLError {
  const fromLocations = error.nodes === undefined && error.locations !== undefined && source;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: fromLocations ? source : error.source,
    positions: fromLocations
      ? error.locations?.map((location) => positionOf(source.body, location))
      : error.positions,
    path: error.path,
    extensions,
  });
}

/** Returns the character offset of a 1-based line and column in `body`. */
function positionOf(body: string, location: { line: number; column: number }): number {
  let offset = 0;
  for (let line = 1; line < location.line; line += 1) {
    const next = body.indexOf('\n', offset);
    if (next === -1) break;
    offset = next + 1;
  }
  return offset + location.column - 1;
}

/**
 * Masks errors outside field execution, which the error boundary plugin does not see, as Yoga's
 * last line of defence. Errors built on purpose pass and anything else is hidden.
 */
export function maskUnexpectedError(error: unknown): Error {
  if (error instanceof GraphQLError && !(error.originalError instanceof Error)) return error;
  if (error instanceof GraphQLError && error.originalError instanceof GraphQLError) return error;

  return new GraphQLError(UNEXPECTED_MESSAGE, {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  });
}
