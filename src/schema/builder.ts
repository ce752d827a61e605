import SchemaBuilder from '@pothos/core';
import type { GatewayContext } from '../context.js';

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  // Pothos 4 makes fields nullable by default. That suits this schema: Northflank documents
  // every build field but `id` as optional, and the few fields always present opt out.
  DefaultFieldNullability: true;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
  };
}>({});
