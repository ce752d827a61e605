import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidId } from '../../src/northflank/ids.js';
import type { RecordedCall } from '../../src/simulator/index.js';
import { type GraphQLResponse, startGateway, type TestGateway } from '../helpers/start-gateway.js';

/** The documented id rule, written out again so the test does not rely on the code it checks. */
const ID_RULE = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;

const BUILD_QUERY =
  'query ($p: ID!, $s: ID!, $b: ID!) { serviceBuild(projectId: $p, serviceId: $s, buildId: $b) { id } }';

/**
 * Every cache off, so each accepted request reaches the simulator, and no inbound rate limit, so
 * the fuzz traffic from one address is not rejected with 429.
 */
const FUZZ_ENV = {
  CACHE_TTL_MS: '0',
  RUNNING_CACHE_TTL_MS: '0',
  NOT_FOUND_CACHE_TTL_MS: '0',
  LOW_BUDGET_RUNNING_TTL_MS: '0',
  CLIENT_RATE_LIMIT_PER_MINUTE: '0',
};

const NUM_RUNS = 300;
/** Samples the run must forward, and must reject, at least, so it cannot pass by doing only one. */
const MIN_SAMPLES_PER_OUTCOME = 50;
const TIME_LIMIT_MS = 15_000;

/** Characters and sequences that change how a URL path is split, decoded or displayed. */
const UNSAFE_FRAGMENTS = [
  '%2F',
  '%2f',
  '%2e%2e',
  '%2E',
  '%00',
  '%',
  '%25',
  '..',
  '.',
  '/',
  '?',
  '#',
  '\\',
  ' ',
  '+',
  '&',
  ';',
  ':',
  '@',
  '_',
  '~',
  '\u0430', // Cyrillic small a
  '\uFF0F', // fullwidth solidus
  '\uFF0E', // fullwidth full stop
  '\u200B', // zero-width space
  '\uFEFF', // byte order mark
  '\u0301', // combining acute accent
  '\uD800', // lone high surrogate
];

/** Ids that are invalid, chosen by hand so each one is sent whatever the random samples are. */
const INVALID_IDS = [
  '',
  '-',
  '-build',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  'a.b',
  'a..b',
  'a_b',
  'a~b',
  'a/b',
  'a?b=1',
  'a#b',
  'a\\b',
  'a b',
  'a\u0000b',
  'a\u001fb',
  'a\u007fb',
  'build\n',
  '\nbuild',
  'bu\u0430ld',
  'a\uFF0Fb',
  'a\uFF0Eb',
  'a'.repeat(101),
  'a'.repeat(10_000),
];

const ALPHANUMERIC = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ...'abcdefghijklmnopqrstuvwxyz',
  ...'0123456789',
];

const controlCharacter = fc
  .oneof(fc.integer({ min: 0x00, max: 0x1f }), fc.constant(0x7f))
  .map((code) => String.fromCharCode(code));

const validId = fc.oneof(
  fc.stringMatching(ID_RULE),
  fc.stringMatching(ID_RULE, { size: 'max' }),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{99}$/),
);

/** Letters, digits and hyphens with one unsafe fragment at the start, inside or at the end. */
const idWithUnsafeFragment = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9-]{0,8}$/),
    fc.oneof(fc.constantFrom(...UNSAFE_FRAGMENTS), controlCharacter),
    fc.stringMatching(/^[A-Za-z0-9-]{0,8}$/),
  )
  .map((parts) => parts.join(''));

const anyId = fc.oneof(
  { arbitrary: validId, weight: 4 },
  { arbitrary: idWithUnsafeFragment, weight: 4 },
  { arbitrary: fc.constantFrom(...INVALID_IDS), weight: 1 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{100}$/), weight: 1 },
  { arbitrary: fc.string(), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme' }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary-ascii' }), weight: 2 },
  {
    arbitrary: fc.string({
      unit: fc.constantFrom(...ALPHANUMERIC),
      minLength: 101,
      maxLength: 5000,
    }),
    weight: 1,
  },
);

type IdTriple = [projectId: string, serviceId: string, buildId: string];

const idTriple: fc.Arbitrary<IdTriple> = fc.oneof(
  { arbitrary: fc.tuple(validId, validId, validId), weight: 1 },
  { arbitrary: fc.tuple(anyId, anyId, anyId), weight: 2 },
);

interface Outcome {
  response: GraphQLResponse;
  calls: readonly RecordedCall[];
}

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({ env: FUZZ_ENV });
});

afterAll(async () => {
  await gateway?.close();
});

/** Sends the ids as variables and returns the response with the upstream calls it caused. */
async function sendIds([projectId, serviceId, buildId]: IdTriple): Promise<Outcome> {
  gateway.simulator.resetCalls();
  const response = await gateway.query(BUILD_QUERY, {
    variables: { p: projectId, s: serviceId, b: buildId },
  });
  return { response, calls: gateway.simulator.calls };
}

/** Checks the gateway's rule against the test's own copy of it, then returns the verdict. */
function isAcceptable(ids: IdTriple): boolean {
  for (const id of ids) expect(isValidId(id), JSON.stringify(id)).toBe(ID_RULE.test(id));
  return ids.every((id) => ID_RULE.test(id));
}

function expectForwarded(ids: IdTriple, outcome: Outcome): void {
  const [projectId, serviceId, buildId] = ids;
  const label = JSON.stringify(ids);
  const codes = outcome.response.body.errors?.map((error) => error.extensions?.code) ?? [];

  expect(outcome.calls, label).toHaveLength(1);
  expect(outcome.calls[0]?.method, label).toBe('GET');
  expect(outcome.calls[0]?.path, label).toBe(
    `/v1/projects/${projectId}/services/${serviceId}/build/${buildId}`,
  );
  expect(outcome.calls[0]?.path.split('/'), label).toEqual([
    '',
    'v1',
    'projects',
    projectId,
    'services',
    serviceId,
    'build',
    buildId,
  ]);
  expect(codes, label).not.toContain('BAD_USER_INPUT');
}

function expectRejected(ids: IdTriple, outcome: Outcome): void {
  const label = JSON.stringify(ids);
  const errors = outcome.response.body.errors;

  expect(outcome.calls, label).toHaveLength(0);
  expect(outcome.response.status, label).toBe(200);
  expect(outcome.response.body.data, label).toEqual({ serviceBuild: null });
  expect(errors, label).toHaveLength(1);
  expect(errors?.[0]?.extensions?.code, label).toBe('BAD_USER_INPUT');
  expect(errors?.[0]?.path, label).toEqual(['serviceBuild']);
}

describe('serviceBuild ids sent as variables', () => {
  it('forwards only valid ids', async ({ annotate }) => {
    const counts = { samples: 0, forwarded: 0, rejected: 0 };

    await fc.assert(
      fc.asyncProperty(idTriple, async (ids) => {
        counts.samples += 1;
        const acceptable = isAcceptable(ids);
        const outcome = await sendIds(ids);

        if (acceptable) {
          counts.forwarded += 1;
          expectForwarded(ids, outcome);
        } else {
          counts.rejected += 1;
          expectRejected(ids, outcome);
        }
      }),
      {
        numRuns: NUM_RUNS,
        plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS, { failOnInterrupt: true })],
      },
    );

    await annotate(
      `${counts.samples} samples: ${counts.forwarded} forwarded, ${counts.rejected} rejected`,
    );
    expect(counts.samples).toBe(NUM_RUNS);
    expect(counts.forwarded).toBeGreaterThanOrEqual(MIN_SAMPLES_PER_OUTCOME);
    expect(counts.rejected).toBeGreaterThanOrEqual(MIN_SAMPLES_PER_OUTCOME);
  });

  it('rejects invalid ids in every position', async () => {
    for (const invalid of INVALID_IDS) {
      const triples: IdTriple[] = [
        [invalid, 'web-app', 'build-1'],
        ['demo-project', invalid, 'build-1'],
        ['demo-project', 'web-app', invalid],
      ];
      for (const ids of triples) {
        expect(isAcceptable(ids), JSON.stringify(ids)).toBe(false);
        expectRejected(ids, await sendIds(ids));
      }
    }
  });

  it('forwards 1- and 100-character ids', async () => {
    const longest = `A${'b-'.repeat(49)}9`;
    const triples: IdTriple[] = [
      ['p', 's', 'b'],
      [longest, 'web-app', 'build-1'],
      ['demo-project', longest, 'build-1'],
      ['demo-project', 'web-app', longest],
    ];

    expect(longest).toHaveLength(100);
    for (const ids of triples) {
      expect(isAcceptable(ids), JSON.stringify(ids)).toBe(true);
      expectForwarded(ids, await sendIds(ids));
    }
  });
});
