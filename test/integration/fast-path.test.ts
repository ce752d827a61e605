import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQuery } from '../helpers/probe.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

let fast: TestGateway;
let yogaOnly: TestGateway;

beforeAll(async () => {
  fast = await startGateway({ env: { FAST_PATH: 'true', MAX_DEPTH: '3' } });
  yogaOnly = await startGateway({ env: { FAST_PATH: 'false', MAX_DEPTH: '3' } });
});

afterAll(async () => {
  await fast?.close();
  await yogaOnly?.close();
});

/** Sends one raw HTTP/1.1 request and returns the response exactly as it arrived. */
function sendRaw(url: string, head: string[], body: string, host?: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const lines = [...head, `Host: ${host ?? `${hostname}:${port}`}`, 'Connection: close', '', body];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    // Writing without ending: Node drops a response still in progress when the client half-closes.
    socket.write(lines.join('\r\n'));
  });
}

function jsonPost(body: string, headers: string[] = []): [string[], string] {
  const head = [
    'POST /graphql HTTP/1.1',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...headers,
  ];
  return [head, body];
}

/** Replaces what differs between any two responses: the date and generated request ids. */
function normalize(response: string): string {
  return response
    .replace(/^Date: .*$/im, 'Date: <date>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
}

const query = (body: unknown) => JSON.stringify(body);

const SAME_RESPONSE_CASES: Array<[string, [string[], string]]> = [
  ['a query', jsonPost(query({ query: buildQuery('same-bytes-1') }))],
  [
    'a query with variables and an operation name',
    jsonPost(
      query({
        query:
          'query Build($b: ID!) { serviceBuild(projectId: "demo-project", serviceId: "web-app", buildId: $b) { id status } }',
        variables: { b: 'same-bytes-2' },
        operationName: 'Build',
      }),
    ),
  ],
  ['a build that does not exist', jsonPost(query({ query: buildQuery('missing-build') }))],
  ['a validation error', jsonPost(query({ query: '{ nope }' }))],
  ['a syntax error', jsonPost(query({ query: '{ serviceBuild(' }))],
  ['invalid JSON', jsonPost('{"query": ')],
  ['an empty body', jsonPost('')],
  ['a body of null', jsonPost('null')],
  ['a body that is a string', jsonPost('"{ a }"')],
  ['a batch', jsonPost(query([{ query: '{ __typename }' }]))],
  ['no query', jsonPost(query({ variables: {} }))],
  ['a query that is not a string', jsonPost(query({ query: 1 }))],
  ['variables that are an array', jsonPost(query({ query: '{ __typename }', variables: [] }))],
  ['extensions that are a string', jsonPost(query({ query: '{ __typename }', extensions: 'x' }))],
  ['an unknown parameter', jsonPost(query({ query: '{ __typename }', padding: 'x' }))],
  [
    'an unknown operation name',
    jsonPost(query({ query: '{ a: __typename }', operationName: 'X' })),
  ],
  ['a missing variable', jsonPost(query({ query: 'query($b: ID!) { __typename }' }))],
  ['a subscription', jsonPost(query({ query: 'subscription { a }' }))],
  [
    'an operation over the depth limit',
    jsonPost(query({ query: '{ a { b { c { d { e } } } } }' })),
  ],
  ['introspection', jsonPost(query({ query: '{ __schema { queryType { name } } }' }))],
  [
    'a GraphQL response media type',
    jsonPost(query({ query: '{ nope }' }), ['Accept: application/graphql-response+json']),
  ],
  ['an Accept of */*', jsonPost(query({ query: '{ __typename }' }), ['Accept: */*'])],
  [
    'a charset',
    [
      [
        'POST /graphql HTTP/1.1',
        'Content-Type: application/json; charset=utf-8',
        'Content-Length: 26',
      ],
      query({ query: '{ __typename }' }),
    ],
  ],
  [
    'an incoming request id',
    jsonPost(query({ query: '{ __typename }' }), ['X-Request-Id: lb-1234.abc_DEF']),
  ],
  [
    'an unsafe incoming request id',
    jsonPost(query({ query: '{ __typename }' }), ['X-Request-Id: <script>']),
  ],
  [
    'a malformed Authorization header',
    jsonPost(query({ query: buildQuery('same-bytes-3') }), ['Authorization: Basic abc']),
  ],
  ['non-ASCII text', jsonPost(query({ query: '{ __typename } # grüße ✓' }))],
];

describe('fast path', () => {
  it.each(SAME_RESPONSE_CASES)('sends the bytes Yoga sends for %s', async (_name, [head, body]) => {
    const servedBefore = fast.gateway.fastPath?.served() ?? 0;

    const viaFastPath = await sendRaw(fast.url, head, body);
    const viaYoga = await sendRaw(yogaOnly.url, head, body);

    expect(fast.gateway.fastPath?.served()).toBe(servedBefore + 1);
    expect(normalize(viaFastPath)).toBe(normalize(viaYoga));
  });

  it('is off when FAST_PATH is false', () => {
    expect(yogaOnly.gateway.fastPath).toBeUndefined();
  });

  const typename = query({ query: '{ __typename }' });
  const DECLINED_CASES: Array<{ name: string; head: string[]; body: string; status: string }> = [
    {
      name: 'a request with an Origin',
      head: jsonPost(typename, ['Origin: http://localhost:3000'])[0],
      body: typename,
      status: '200 OK',
    },
    {
      name: 'a chunked body',
      head: [
        'POST /graphql HTTP/1.1',
        'Content-Type: application/json',
        'Transfer-Encoding: chunked',
      ],
      body: `${Buffer.byteLength(typename).toString(16)}\r\n${typename}\r\n0\r\n\r\n`,
      status: '200 OK',
    },
    {
      name: 'a text/plain body',
      head: ['POST /graphql HTTP/1.1', 'Content-Type: text/plain', 'Content-Length: 2'],
      body: '{}',
      status: '415 Unsupported Media Type',
    },
    {
      name: 'a query string',
      head: ['POST /graphql?x=1 HTTP/1.1', ...jsonPost(typename)[0].slice(1)],
      body: typename,
      status: '200 OK',
    },
    {
      name: 'an Accept of application/xml',
      head: jsonPost(typename, ['Accept: application/xml'])[0],
      body: typename,
      status: '406 Not Acceptable',
    },
  ];

  it.each(DECLINED_CASES)('leaves $name to Yoga', async ({ head, body, status }) => {
    const servedBefore = fast.gateway.fastPath?.served();

    const response = await sendRaw(fast.url, head, body);

    expect(response.split('\r\n', 1)[0]).toBe(`HTTP/1.1 ${status}`);
    expect(fast.gateway.fastPath?.served()).toBe(servedBefore);
  });

  it('leaves a request for another Host to Yoga', async () => {
    const servedBefore = fast.gateway.fastPath?.served();
    const [head, body] = jsonPost(typename);

    const response = await sendRaw(fast.url, head, body, 'evil.example:80');

    expect(response.split('\r\n', 1)[0]).toBe('HTTP/1.1 421 Misdirected Request');
    expect(fast.gateway.fastPath?.served()).toBe(servedBefore);
  });

  it('shares the per-client budget with Yoga', async () => {
    const limited = await startGateway({
      env: { FAST_PATH: 'true', CLIENT_RATE_LIMIT_PER_MINUTE: '1' },
    });
    try {
      const [head, body] = jsonPost(typename);
      const first = await sendRaw(limited.url, head, body);
      const second = await sendRaw(limited.url, [...head, 'Origin: http://localhost:3000'], body);

      expect(limited.gateway.fastPath?.served()).toBe(1);
      expect(first.split('\r\n', 1)[0]).toBe('HTTP/1.1 200 OK');
      expect(second.split('\r\n', 1)[0]).toBe('HTTP/1.1 429 Too Many Requests');
    } finally {
      await limited.close();
    }
  });
});
