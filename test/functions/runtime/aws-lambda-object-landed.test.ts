import type { ObjectLanded } from '../../../functions/runtime';
import { awsLambdaObjectLanded, MalformedEventError } from '../../../functions/runtime';
import { lambdaContext } from './lambda-events';
import {
  eventBridgeEvent,
  expectedLanded,
  objectLandedTable,
  s3Notification,
  s3Record,
} from './object-landed-table';

function recordingHandler(options: { fail?: Error } = {}) {
  const seen: ObjectLanded[] = [];
  const lines: Record<string, unknown>[] = [];
  const handler = awsLambdaObjectLanded(
    async (event) => {
      seen.push(event);
      if (options.fail !== undefined) throw options.fail;
    },
    { stores: {}, writeLog: (line) => lines.push(JSON.parse(line)) },
  );
  return { handler, seen, lines };
}

function withoutEventId(event: ObjectLanded): Omit<ObjectLanded, 'eventId'> {
  const { eventId: _eventId, ...rest } = event;
  return rest;
}

describe('ObjectLanded table on AWS Lambda', () => {
  it.each(objectLandedTable.map((row) => [row.name, row] as const))(
    'S3 notification: %s',
    async (_name, row) => {
      const { handler, seen } = recordingHandler();
      await handler(s3Notification(s3Record(row)), lambdaContext());
      expect(seen.map(withoutEventId)).toEqual([expectedLanded(row, 'aws')]);
    },
  );

  it.each(objectLandedTable.map((row) => [row.name, row] as const))(
    'EventBridge Object Created: %s',
    async (_name, row) => {
      const { handler, seen } = recordingHandler();
      await handler(eventBridgeEvent(row), lambdaContext());
      expect(seen.map(withoutEventId)).toEqual([expectedLanded(row, 'aws')]);
      expect(seen[0].eventId).toBe('17793124-05d4-b198-2fde-7ededc63b103');
    },
  );
});

describe('awsLambdaObjectLanded', () => {
  const [plain, spaced] = objectLandedTable;

  it('gives a redelivered S3 notification the same event ID, and another object another one', async () => {
    const { handler, seen } = recordingHandler();
    await handler(s3Notification(s3Record(plain)), lambdaContext('first'));
    await handler(s3Notification(s3Record(plain)), lambdaContext('second'));
    await handler(s3Notification(s3Record(spaced)), lambdaContext('third'));
    expect(seen[0].eventId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen[1].eventId).toBe(seen[0].eventId);
    expect(seen[2].eventId).not.toBe(seen[0].eventId);
  });

  it('calls the handler once per created record, in order, and skips other S3 events with a log line', async () => {
    const { handler, seen, lines } = recordingHandler();
    await handler(
      s3Notification(
        s3Record(plain),
        s3Record(spaced, 'ObjectRemoved:Delete'),
        s3Record(spaced, 'ObjectCreated:CompleteMultipartUpload'),
      ),
      lambdaContext(),
    );
    expect(seen.map((event) => event.key)).toEqual([plain.key, spaced.key]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        severity: 'INFO',
        eventName: 'ObjectRemoved:Delete',
        message: expect.stringMatching(/ignored/),
      }),
    );
  });

  it('skips EventBridge events other than Object Created', async () => {
    const { handler, seen, lines } = recordingHandler();
    await handler({ ...eventBridgeEvent(plain), 'detail-type': 'Object Deleted' }, lambdaContext());
    expect(seen).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ detailType: 'Object Deleted' }));
  });

  it('acknowledges the S3 test event sent when a notification is configured', async () => {
    const { handler, seen } = recordingHandler();
    await handler(
      { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-12-01T19:00:00.000Z', Bucket: 'b' },
      lambdaContext(),
    );
    expect(seen).toEqual([]);
  });

  it.each([
    ['not an S3 or EventBridge event', { hello: 'world' }, /neither Records .* nor detail-type/],
    [
      'an SQS-wrapped notification',
      { Records: [{ eventSource: 'aws:sqs', body: '{}' }] },
      /Records\[0\]\.eventSource .*"aws:s3".*unwrapped/,
    ],
    [
      'a record without a key',
      s3Notification({
        ...s3Record(plain),
        s3: {
          ...s3Record(plain).s3,
          object: { ...s3Record(plain).s3.object, key: undefined as unknown as string },
        },
      }),
      /Records\[0\]\.s3\.object\.key is missing/,
    ],
    [
      'a record with a negative size',
      s3Notification({
        ...s3Record(plain),
        s3: { ...s3Record(plain).s3, object: { ...s3Record(plain).s3.object, size: -1 } },
      }),
      /Records\[0\]\.s3\.object\.size is the number -1/,
    ],
    [
      'a record with a bad time',
      s3Notification({ ...s3Record(plain), eventTime: 'yesterday' }),
      /Records\[0\]\.eventTime .*ISO 8601/,
    ],
    [
      'a key that is not URL-encoded',
      s3Notification({
        ...s3Record(plain),
        s3: { ...s3Record(plain).s3, object: { ...s3Record(plain).s3.object, key: 'bad%zz' } },
      }),
      /Records\[0\]\.s3\.object\.key .*not a URL-encoded key/,
    ],
    [
      'an EventBridge event from another source',
      { ...eventBridgeEvent(plain), source: 'aws.ec2' },
      /event\.source is the string "aws\.ec2"/,
    ],
    [
      'an EventBridge event without a size',
      {
        ...eventBridgeEvent(plain),
        detail: { ...eventBridgeEvent(plain).detail, object: { key: 'k', etag: 'e' } },
      },
      /event\.detail\.object\.size is missing/,
    ],
  ])(
    'refuses %s with an error that names the field, logged, so Lambda retries it',
    async (_name, event, message) => {
      const { handler, seen, lines } = recordingHandler();
      const failure = handler(event, lambdaContext());
      await expect(failure).rejects.toThrow(MalformedEventError);
      await expect(failure).rejects.toThrow(message);
      expect(seen).toEqual([]);
      expect(lines).toContainEqual(
        expect.objectContaining({ severity: 'ERROR', requestId: lambdaContext().awsRequestId }),
      );
    },
  );

  it('rethrows a handler failure after logging it with its stack and the event ID', async () => {
    const { handler, lines } = recordingHandler({ fail: new Error('the catalog is down') });
    await expect(handler(eventBridgeEvent(plain), lambdaContext())).rejects.toThrow('the catalog is down');
    const logged = lines.find((line) => line.severity === 'ERROR');
    expect(logged).toMatchObject({ eventId: '17793124-05d4-b198-2fde-7ededc63b103', key: plain.key });
    expect((logged?.error as { stack: string }).stack).toMatch(/the catalog is down\n\s+at /);
  });
});
