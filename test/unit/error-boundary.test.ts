import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import { ErrorCode, GatewayError } from '../../src/errors.js';
import { useErrorBoundary } from '../../src/plugins/error-boundary.js';
import { getRequestId, useRequestId } from '../../src/plugins/request-id.js';
import { captureLogs, LOG_LEVEL } from '../helpers/capture-logs.js';

function createTestYoga() {
  const logs = captureLogs();
  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema: createSchema({
      typeDefs: 'type Query { broken: String, expected: String }',
      resolvers: {
        Query: {
          broken: () => {
            throw new TypeError('secret internal detail');
          },
          expected: () => {
            throw new GatewayError(ErrorCode.NOT_FOUND, 'Build not found', { upstreamStatus: 404 });
          },
        },
      },
    }),
    logging: false,
    context: ({ request }) =>
      ({ requestId: getRequestId(request), logger: logs.logger }) as unknown as GatewayContext,
    plugins: [useRequestId(), useErrorBoundary()],
  });
  return { yoga, logs };
}

async function post(yoga: ReturnType<typeof createTestYoga>['yoga'], query: string) {
  const response = await yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return { response, body: await response.json() };
}

describe('useErrorBoundary', () => {
  it('masks an unexpected error and returns the request id of the x-request-id header', async () => {
    const { yoga } = createTestYoga();

    const { response, body } = await post(yoga, '{ broken }');

    expect(body.errors[0].message).toBe('Unexpected error');
    expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(body.errors[0].extensions.requestId).toBe(response.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toContain('secret internal detail');
  });

  it('logs an unexpected error once at error level with the request id', async () => {
    const { yoga, logs } = createTestYoga();

    const { response } = await post(yoga, '{ broken }');

    const errors = logs.entries().filter((entry) => entry.level === LOG_LEVEL.error);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.requestId).toBe(response.headers.get('x-request-id'));
    expect(logs.text()).toContain('secret internal detail');
  });

  it('passes an expected error on with its code and details', async () => {
    const { yoga, logs } = createTestYoga();

    const { body } = await post(yoga, '{ expected }');

    expect(body.errors[0]).toMatchObject({
      message: 'Build not found',
      path: ['expected'],
      extensions: { code: 'NOT_FOUND', upstreamStatus: 404 },
    });
    expect(logs.entries()).toEqual([]);
  });

  it('keeps a well-formed incoming x-request-id', async () => {
    const { yoga } = createTestYoga();

    const response = await yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'lb-1234' },
      body: JSON.stringify({ query: '{ broken }' }),
    });
    const body = await response.json();

    expect(response.headers.get('x-request-id')).toBe('lb-1234');
    expect(body.errors[0].extensions.requestId).toBe('lb-1234');
  });

  it('replaces an incoming x-request-id that is not safe to log', async () => {
    const { yoga } = createTestYoga();

    const response = await yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'a b\tc' },
      body: JSON.stringify({ query: '{ broken }' }),
    });

    expect(response.headers.get('x-request-id')).not.toBe('a b\tc');
  });
});
