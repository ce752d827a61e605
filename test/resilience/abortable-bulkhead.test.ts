import { isBulkheadRejectedError } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { AbortableBulkhead } from '../../src/upstream/bulkhead.js';

/** Creates tasks that run until `finishNext` ends them, counting how many run at once. */
function createTasks() {
  let running = 0;
  let maxRunning = 0;
  const finishers: Array<() => void> = [];

  const task = () =>
    new Promise<string>((resolve) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      finishers.push(() => {
        running -= 1;
        resolve('done');
      });
    });

  return {
    task,
    finishNext: () => finishers.shift()?.(),
    maxRunning: () => maxRunning,
    started: () => finishers.length,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('AbortableBulkhead', () => {
  it('rejects a call once the queue is full', async () => {
    const bulkhead = new AbortableBulkhead(1, 1);
    const tasks = createTasks();

    const running = bulkhead.execute(tasks.task);
    const queued = bulkhead.execute(tasks.task);
    const rejected = await failureOf(bulkhead.execute(tasks.task));
    tasks.finishNext();
    await running;
    await Promise.resolve();
    tasks.finishNext();

    expect(isBulkheadRejectedError(rejected)).toBe(true);
    expect(await queued).toBe('done');
  });

  it('removes an aborted call from the queue', async () => {
    const bulkhead = new AbortableBulkhead(1, 1);
    const tasks = createTasks();
    const controller = new AbortController();

    const running = bulkhead.execute(tasks.task);
    const abandoned = failureOf(bulkhead.execute(tasks.task, controller.signal));
    controller.abort();
    const queued = bulkhead.execute(tasks.task);
    tasks.finishNext();
    await running;
    await Promise.resolve();
    tasks.finishNext();

    expect(await abandoned).toHaveProperty('isTaskCancelledError', true);
    expect(await queued).toBe('done');
    expect(tasks.maxRunning()).toBe(1);
  });

  it('keeps its capacity while handing slots over', async () => {
    const bulkhead = new AbortableBulkhead(2, 10);
    const tasks = createTasks();

    const calls = Array.from({ length: 6 }, () => bulkhead.execute(tasks.task));
    while (tasks.started() > 0) {
      tasks.finishNext();
      // A new caller arriving as a slot is handed over must queue, not take the slot.
      calls.push(bulkhead.execute(async () => 'late'));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }

    expect(await Promise.all(calls)).toHaveLength(12);
    expect(tasks.maxRunning()).toBe(2);
  });

  it('rejects a call whose signal is already aborted', async () => {
    const bulkhead = new AbortableBulkhead(1, 1);

    const error = await failureOf(bulkhead.execute(async () => 'ran', AbortSignal.abort()));

    expect(error).toHaveProperty('isTaskCancelledError', true);
  });
});
