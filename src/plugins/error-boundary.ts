import { GraphQLError } from 'graphql';
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
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (result.errors === undefined || result.errors.length === 0) return;
            setResult({
              ...result,
              errors: result.errors.map((error) => toClientError(error, context)),
            });
          });
        },
      };
    },
  };
}

function toClientError(error: GraphQLError, context: GatewayContext): GraphQLError {
  const original = error.originalError;
  if (original === undefined || original === null || original instanceof GraphQLError) return error;

  if (isGatewayError(original)) {
    return withLocation(error, original.message, { code: original.code, ...original.details });
  }

  context.logger.error(
    { err: original, requestId: context.requestId, path: error.path?.join('.') },
    'Unexpected error while resolving a field',
  );
  return withLocation(error, UNEXPECTED_MESSAGE, {
    code: ErrorCode.INTERNAL_SERVER_ERROR,
    requestId: context.requestId,
  });
}

function withLocation(
  error: GraphQLError,
  message: string,
  extensions: Record<string, unknown>,
): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
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
