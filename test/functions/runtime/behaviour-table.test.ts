import { behaviourTable, compareResponse, type ObservedResponse } from './behaviour-table';

// The table is only worth running if it can fail: each check must notice a wrong answer.
describe('the behaviour table', () => {
  const row = (name: string) => {
    const found = behaviourTable.find((candidate) => candidate.name.startsWith(name));
    if (found === undefined) throw new Error(`no row starts with ${name}`);
    return found;
  };
  const observed = (change: Partial<ObservedResponse>): ObservedResponse => ({
    status: 200,
    headers: new Headers(),
    setCookies: [],
    body: new Uint8Array(0),
    ...change,
  });

  it('notices a wrong status, a missing header and a wrong body', () => {
    const failures = compareResponse(
      row('a unicode text body'),
      'gcp',
      observed({ status: 201, body: new TextEncoder().encode('hello') }),
    );
    expect(failures).toEqual([
      'status is 201, expected 200',
      'header content-type is null, expected "text/plain; charset=utf-8"',
      expect.stringMatching(/^body is "hello", expected/),
    ]);
  });

  it('notices a problem body that leaks the error text', () => {
    const leaking = new TextEncoder().encode(
      JSON.stringify({ error: 'echo failure: secret-detail-7f3a', requestId: 'r' }),
    );
    const failures = compareResponse(row('a thrown error'), 'aws', observed({ status: 500, body: leaking }));
    expect(failures).toContain('problem body leaks the error text or a stack trace');
  });

  it('notices Set-Cookie values joined into one', () => {
    const failures = compareResponse(
      row('every Set-Cookie'),
      'aws',
      observed({ setCookies: ['session=abc123, lang=fr'] }),
    );
    expect(failures).toHaveLength(1);
  });

  it("holds a different answer for AWS where Lambda's payload limit applies", () => {
    const over = row('a body over');
    expect(compareResponse(over, 'aws', observed({ status: 200 }))[0]).toBe('status is 200, expected 500');
  });
});
