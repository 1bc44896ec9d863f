import { createLogger, logLevelFromEnvironment } from '../../../functions/runtime';

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const log = createLogger({ ...options, write: (line) => lines.push(line) });
  return { log, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON line per entry with Cloud Logging severities, the message and the request ID', () => {
    const { log, lines, parsed } = capture({ requestId: 'req-1' });
    log.debug('d');
    log.info('i', { key: 'raw/a.csv' });
    log.warn('w');
    log.error('e');
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(parsed().map((line) => [line.severity, line.level, line.message, line.requestId])).toEqual([
      ['DEBUG', 'debug', 'd', 'req-1'],
      ['INFO', 'info', 'i', 'req-1'],
      ['WARNING', 'warn', 'w', 'req-1'],
      ['ERROR', 'error', 'e', 'req-1'],
    ]);
    expect(parsed()[1]).toMatchObject({ key: 'raw/a.csv' });
    expect(new Date(parsed()[0].time as string).getTime()).not.toBeNaN();
  });

  it('carries the event ID of a storage event', () => {
    const { log, parsed } = capture({ requestId: 'req-2', eventId: 'evt-9' });
    log.info('landed');
    expect(parsed()[0]).toMatchObject({ requestId: 'req-2', eventId: 'evt-9' });
  });

  it('writes an error with its name, message, stack and cause', () => {
    const { log, parsed } = capture();
    log.error('failed', { error: new TypeError('bad input', { cause: new Error('root cause') }) });
    const error = parsed()[0].error as Record<string, unknown>;
    expect(error).toMatchObject({
      name: 'TypeError',
      message: 'bad input',
      cause: { message: 'root cause' },
    });
    expect(error.stack).toMatch(/TypeError: bad input\n\s+at /);
  });

  it('never throws: cycles, BigInts, bytes and throwing getters are written safely', () => {
    const { log, parsed } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const selfCaused = new Error('loops');
    (selfCaused as { cause?: unknown }).cause = selfCaused;
    expect(() =>
      log.info('cycle', { cyclic, big: 10n ** 20n, bytes: new Uint8Array(3), selfCaused }),
    ).not.toThrow();
    expect(parsed()[0]).toMatchObject({
      cyclic: { name: 'loop', self: '[Circular]' },
      big: '100000000000000000000',
      bytes: '[3 bytes]',
      selfCaused: { message: 'loops', cause: '[Circular]' },
    });
    const hostile = {
      get boom(): string {
        throw new Error('getter exploded');
      },
    };
    expect(() => log.warn('hostile', { hostile })).not.toThrow();
    expect(parsed()[1]).toMatchObject({
      severity: 'WARNING',
      message: 'hostile',
      fieldsUnreadable: expect.stringMatching(/getter exploded/),
    });
  });

  it('keeps the same object twice in one entry when it is not a cycle', () => {
    const { log, parsed } = capture();
    const shared = { bucket: 'b' };
    log.info('twice', { first: shared, second: shared });
    expect(parsed()[0]).toMatchObject({ first: { bucket: 'b' }, second: { bucket: 'b' } });
  });

  it('does not let a field forge the severity, the message or the IDs', () => {
    const { log, parsed } = capture({ requestId: 'real' });
    log.info('true message', { severity: 'ERROR', requestId: 'forged', message: 'fake' });
    expect(parsed()[0]).toMatchObject({
      severity: 'INFO',
      requestId: 'real',
      message: 'true message',
      'field.severity': 'ERROR',
      'field.requestId': 'forged',
      'field.message': 'fake',
    });
  });

  it('drops entries below its level', () => {
    const { log, parsed } = capture({ level: 'warn' });
    log.debug('no');
    log.info('no');
    log.warn('yes');
    log.error('yes');
    expect(parsed().map((line) => line.level)).toEqual(['warn', 'error']);
  });

  it('survives a writer that throws', () => {
    const log = createLogger({
      write: () => {
        throw new Error('EPIPE');
      },
    });
    expect(() => log.error('lost')).not.toThrow();
  });
});

describe('logLevelFromEnvironment', () => {
  it('reads BIS_LOG_LEVEL, info when it is unset or empty', () => {
    expect(logLevelFromEnvironment({})).toBe('info');
    expect(logLevelFromEnvironment({ BIS_LOG_LEVEL: '' })).toBe('info');
    expect(logLevelFromEnvironment({ BIS_LOG_LEVEL: 'warn' })).toBe('warn');
  });

  it('refuses an unknown level, naming the variable and the accepted values', () => {
    expect(() => logLevelFromEnvironment({ BIS_LOG_LEVEL: 'loud' })).toThrow(
      "BIS_LOG_LEVEL is 'loud'; use one of debug, info, warn, error",
    );
  });
});
