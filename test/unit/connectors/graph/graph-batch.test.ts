import { describe, expect, it } from 'vitest';
import { InvalidInputError, ThrottledError } from '../../../../src/core/errors.js';
import { retryAfterOf } from '../../../../src/core/errors.js';
import {
  batchItemError,
  GraphBatch,
  planBatches,
  type BatchRequest,
} from '../../../../src/connectors/graph/graph-batch.js';

function get(id: string, dependsOn?: string[]): BatchRequest {
  return { id, method: 'GET', url: `/users/${id}`, dependsOn };
}

type Item = { id: string; status: number; headers?: Record<string, string>; body?: unknown };

describe('planBatches', () => {
  it('splits into bodies of at most 20', () => {
    const batches = planBatches(Array.from({ length: 45 }, (_, i) => get(String(i))));
    expect(batches.map((b) => b.length)).toEqual([20, 20, 5]);
  });

  it('keeps dependsOn chains in one body', () => {
    const requests = [...Array.from({ length: 19 }, (_, i) => get(`a${i}`)), get('c1'), get('c2', ['c1'])];
    const batches = planBatches(requests);
    const withChain = batches.find((b) => b.some((r) => r.id === 'c2'));
    expect(withChain?.some((r) => r.id === 'c1')).toBe(true);
    expect(batches.every((b) => b.length <= 20)).toBe(true);
  });

  it('refuses duplicate ids, absolute URLs, unknown dependencies and chains over 20', () => {
    expect(() => planBatches([get('1'), get('1')])).toThrow(InvalidInputError);
    expect(() => planBatches([{ id: '1', method: 'GET', url: 'https://evil.example/x' }])).toThrow(
      InvalidInputError,
    );
    expect(() => planBatches([get('1', ['9'])])).toThrow(InvalidInputError);
    const chain = Array.from({ length: 21 }, (_, i) => get(String(i), i === 0 ? undefined : [String(i - 1)]));
    expect(() => planBatches(chain)).toThrow(/does not fit/);
  });

  it('adds Content-Type to requests with a body', () => {
    const [batch] = planBatches([
      { id: '1', method: 'PATCH', url: '/users/1', body: { accountEnabled: false } },
    ]);
    expect(batch?.[0]?.headers).toEqual({ 'Content-Type': 'application/json' });
  });
});

describe('GraphBatch', () => {
  it('re-submits only throttled items and their 424 dependents after the largest Retry-After', async () => {
    const sent: string[][] = [];
    const waits: number[] = [];
    let round = 0;
    const batch = new GraphBatch(
      async ({ requests }) => {
        sent.push(requests.map((r) => `${r.id}${r.dependsOn?.length ? `<${r.dependsOn.join(',')}` : ''}`));
        round += 1;
        const responses = requests.map((r): Item => {
          if (round === 1 && r.id === '2') return { id: '2', status: 429, headers: { 'Retry-After': '3' } };
          if (round === 1 && r.id === '4') return { id: '4', status: 429, headers: { 'retry-after': '1' } };
          if (round === 1 && r.id === '3') return { id: '3', status: 424 };
          return { id: r.id, status: 200, body: { id: r.id } };
        });
        return { responses };
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    const results = await batch.run([get('1'), get('2'), get('3', ['2']), get('4')]);
    expect(sent).toEqual([
      ['1', '2', '3<2', '4'],
      ['2', '3<2', '4'],
    ]);
    expect(waits).toEqual([3000]);
    expect([...results.values()].map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('stops after maxAttempts and leaves the last 429 for the caller to translate', async () => {
    const batch = new GraphBatch(
      async ({ requests }) => ({
        responses: requests.map((r) => ({ id: r.id, status: 429, headers: { 'Retry-After': '1' } })),
      }),
      {
        maxAttempts: 3,
        sleep: async () => undefined,
      },
    );
    const results = await batch.run([get('1')]);
    const error = batchItemError(results.get('1')!, 'Read user');
    expect(error).toBeInstanceOf(ThrottledError);
    expect(retryAfterOf(error)).toBe(1000);
  });

  it('translates a failed item with the Graph error body', () => {
    const error = batchItemError(
      {
        id: '1',
        status: 404,
        headers: {},
        body: { error: { code: 'Request_ResourceNotFound', message: 'gone' } },
      },
      'Read user',
    );
    expect(error?.code).toBe('not-found');
    expect(batchItemError({ id: '1', status: 204, headers: {}, body: null }, 'x')).toBeNull();
  });
});
