import assert from 'node:assert/strict';
import type { Context } from 'hono';
import { readBodyText } from '../common/libs/body_limit.js';
import { ClientGoneError } from '../common/libs/client_gone.js';

/** A context over a node request with a declared length whose body reader is `text`. */
function contextReading(text: () => Promise<string>, socketDestroyed: boolean): Context {
  const incoming = { headers: { 'content-length': '5' }, socket: { destroyed: socketDestroyed } };
  return { env: { incoming, outgoing: { destroyed: false } }, req: { text } } as unknown as Context;
}

const boom = new Error('reader failed');

describe('readBodyText: a reader that fails', () => {
  it('is ClientGoneError (499) when the client has left, whether the reader throws or rejects', async () => {
    for (const text of [
      () => Promise.reject(boom),
      () => {
        throw boom;
      },
    ]) {
      const err = await readBodyText(contextReading(text, true)).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ClientGoneError, `got ${String(err)}`);
      assert.equal(err.cause, boom);
    }
  });

  it("is the reader's own error when the client is still there", async () => {
    for (const text of [
      () => Promise.reject(boom),
      () => {
        throw boom;
      },
    ]) {
      await assert.rejects(readBodyText(contextReading(text, false)), (e) => e === boom);
    }
  });

  it('is the body when the reader answers', async () => {
    assert.equal(await readBodyText(contextReading(() => Promise.resolve('hello'), false)), 'hello');
  });
});
