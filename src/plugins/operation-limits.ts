import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import {
  type GraphQLError,
  NoSchemaIntrospectionCustomRule,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface OperationLimits {
  maxDepth: number;
  /** Counts aliased `__typename` too, and aliases inside fragments. */
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  /** Hides field suggestions and the limits themselves from error messages. */
  production: boolean;
  introspection: boolean;
}

/**
 * Rejects expensive or probing operations before execution: graphql-armor's depth, alias, token,
 * directive and cost limits, field suggestions in production, and introspection when it is off.
 */
export function useOperationLimits(limits: OperationLimits): Plugin[] {
  const exposeLimits = !limits.production;
  // Reported as validation errors rather than thrown, so clients get the usual
  // GRAPHQL_VALIDATION_FAILED code and HTTP status.
  const asValidationError = {
    exposeLimits,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => context?.reportError(error),
    ],
  };
  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, ...asValidationError },
      maxAliases: { n: limits.maxAliases, allowList: [], ...asValidationError },
      maxTokens: { n: limits.maxTokens, exposeLimits },
      maxDirectives: { n: limits.maxDirectives, ...asValidationError },
      costLimit: { maxCost: limits.maxCost, ...asValidationError },
      blockFieldSuggestion: { enabled: limits.production },
    }) as Plugin,
  ];

  if (!limits.introspection) {
    plugins.push({
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
      },
    });
  }
  return plugins;
}
