import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SerialTask } from './serial-task.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function unexpected(err: unknown): void {
  assert.ifError(err);
}

describe('SerialTask', () => {
  it('coalesces requests made in the same tick into one run', async () => {
    let runs = 0;
    const task = new SerialTask(() => {
      runs++;
      return Promise.resolve();
    }, unexpected);
    await Promise.all([task.request(), task.request(), task.request()]);
    assert.equal(runs, 1);
  });

  it('runs exactly once more when asked during a run, and never twice at once', async () => {
    let runs = 0;
    let active = 0;
    const gate = deferred();
    const task = new SerialTask(async () => {
      active++;
      assert.equal(active, 1, 'two runs overlapped');
      runs++;
      if (runs === 1) await gate.promise;
      active--;
    }, unexpected);
    const first = task.request();
    await new Promise((r) => setImmediate(r));
    const second = task.request();
    const third = task.request();
    gate.resolve();
    await Promise.all([first, second, third]);
    assert.equal(runs, 2);
  });

  it('reports a failed run and keeps serving later requests', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const task = new SerialTask(
      () => {
        calls++;
        return calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      (err) => errors.push(err),
    );
    await task.request();
    await task.request();
    assert.equal(calls, 2);
    assert.equal(errors.length, 1);
  });
});
