import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './date-time.js';
import './build-status.js';
import './build.js';
import './query.js';

let schema: GraphQLSchema | undefined;

/** Builds the schema once; later calls return the same instance. */
export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}

/** Prints the schema as SDL, sorted so that a diff of it shows only real changes. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(getSchema()))}\n`;
}
