import { http as echo } from '../../../functions/echo';
import { createHandlerContext, createLogger } from '../../../functions/runtime';

describe('createHandlerContext', () => {
  it('lets a test call a handler directly, with no stores, a fresh request ID and a signal that has not fired', async () => {
    const ctx = createHandlerContext();
    expect(ctx.stores).toEqual({});
    expect(ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.signal.aborted).toBe(false);
    const response = await echo(new Request('https://local.test/status/418'), ctx);
    expect(response.status).toBe(418);
  });

  it('uses what it is given', () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const ctx = createHandlerContext({
      requestId: 'given',
      signal: controller.signal,
      log: createLogger({ requestId: 'given', write: (line) => lines.push(line) }),
    });
    ctx.log.info('hello');
    controller.abort();
    expect(ctx.signal.aborted).toBe(true);
    expect(JSON.parse(lines[0])).toMatchObject({ requestId: 'given', message: 'hello' });
  });
});
