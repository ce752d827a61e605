import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

function parseDateTime(value: unknown): Date {
  const time = typeof value === 'string' ? new Date(value) : null;
  if (time === null || Number.isNaN(time.getTime())) {
    throw new GraphQLError(
      `DateTime must be an ISO 8601 string, received ${JSON.stringify(value)}.`,
    );
  }
  return time;
}

builder.scalarType('DateTime', {
  description:
    'A point in time, serialised as an ISO 8601 string in UTC with milliseconds, for example "2021-07-28T15:55:38.296Z".',
  serialize: (value) => {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new TypeError('DateTime can only serialise a valid Date.');
    }
    return value.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) {
      throw new GraphQLError('DateTime must be an ISO 8601 string literal.', { nodes: node });
    }
    return parseDateTime(node.value);
  },
});
