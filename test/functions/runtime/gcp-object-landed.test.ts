import type { ObjectLanded } from '../../../functions/runtime';
import { gcpObjectLanded } from '../../../functions/runtime';
import { startTestServer } from './loopback-server';
import {
  expectedLanded,
  gcsBinaryCloudEvent,
  gcsObjectData,
  gcsStructuredCloudEvent,
  objectLandedTable,
  type CloudEventRequest,
} from './object-landed-table';

const seen: ObjectLanded[] = [];
const lines: Record<string, unknown>[] = [];
let failWith: Error | undefined;

gcpObjectLanded(
  'landedRecorder',
  async (event) => {
    seen.push(event);
    if (failWith !== undefined) throw failWith;
  },
  { stores: {}, writeLog: (line) => lines.push(JSON.parse(line)) },
);

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer('landedRecorder');
});
afterAll(() => server.close());
afterEach(() => jest.restoreAllMocks());
beforeEach(() => {
  // functions-framework also prints a failed event's stack with console.error; the JSON lines are ours.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  seen.length = 0;
  lines.length = 0;
  failWith = undefined;
});

async function post(event: CloudEventRequest): Promise<number> {
  const response = await fetch(server.baseUrl, { method: 'POST', headers: event.headers, body: event.body });
  await response.arrayBuffer();
  return response.status;
}

function withoutEventId(event: ObjectLanded): Omit<ObjectLanded, 'eventId'> {
  const { eventId: _eventId, ...rest } = event;
  return rest;
}

describe('ObjectLanded table on functions-framework (Cloud Storage CloudEvents)', () => {
  it.each(objectLandedTable.map((row) => [row.name, row] as const))('binary mode: %s', async (_name, row) => {
    expect(await post(gcsBinaryCloudEvent(row))).toBeLessThan(300);
    expect(seen.map(withoutEventId)).toEqual([expectedLanded(row, 'gcp')]);
    expect(seen[0].eventId).toBe('evt-4242');
  });

  it.each(objectLandedTable.map((row) => [row.name, row] as const))(
    'structured mode: %s',
    async (_name, row) => {
      expect(await post(gcsStructuredCloudEvent(row))).toBeLessThan(300);
      expect(seen.map(withoutEventId)).toEqual([expectedLanded(row, 'gcp')]);
      expect(seen[0].eventId).toBe('evt-4343');
    },
  );
});

describe('gcpObjectLanded', () => {
  const [plain] = objectLandedTable;

  it('acknowledges storage events other than finalized without calling the handler, with a log line', async () => {
    expect(await post(gcsBinaryCloudEvent(plain, 'google.cloud.storage.object.v1.deleted'))).toBeLessThan(
      300,
    );
    expect(seen).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        severity: 'INFO',
        type: 'google.cloud.storage.object.v1.deleted',
        eventId: 'evt-4242',
      }),
    );
  });

  it.each([
    [
      'a size that is not an int64 string',
      { size: '12kB' },
      /event\.data\.size is the string "12kB"; expected an int64/,
    ],
    ['no object name', { name: undefined }, /event\.data\.name is missing/],
    ['a generation that is not an int64 string', { generation: 'v2' }, /event\.data\.generation/],
    ['no etag', { etag: '' }, /event\.data\.etag is an empty string/],
  ])(
    'fails an event with %s (a 500, so Eventarc retries), logging the field',
    async (_name, change, message) => {
      const event = gcsBinaryCloudEvent(plain);
      const status = await post({ ...event, body: JSON.stringify({ ...gcsObjectData(plain), ...change }) });
      expect(status).toBe(500);
      expect(seen).toEqual([]);
      const logged = lines.find((line) => line.severity === 'ERROR');
      expect((logged?.error as { message: string }).message).toMatch(message);
    },
  );

  it('fails when the handler fails, and logs the error with its stack and the event ID', async () => {
    failWith = new Error('the catalog is down');
    expect(await post(gcsBinaryCloudEvent(plain))).toBe(500);
    const logged = lines.find((line) => line.severity === 'ERROR');
    expect(logged).toMatchObject({ eventId: 'evt-4242', key: plain.key });
    expect((logged?.error as { stack: string }).stack).toMatch(/the catalog is down\n\s+at /);
  });

  it('refuses an invalid function name with a message that says what is allowed', () => {
    expect(() => gcpObjectLanded('1-bad name', async () => undefined, { stores: {} })).toThrow(
      /gcpObjectLanded: the function name "1-bad name" is invalid; use 1 to 63 letters/,
    );
  });
});
