import { createHash, randomUUID } from 'crypto';
import type { Logger, ObjectLanded, ObjectLandedHandler } from '../contract';
import { coldStart, invocationSignal, invokeObjectLanded, type AdapterOptions } from '../invocation';
import { createLogger } from '../logger';
import type { LambdaContext } from './lambda-types';
import { describe, MalformedEventError, requireObject, requireString, requireTime } from '../malformed-event';

/** An S3 notification (`S3Event`) or an EventBridge event from S3 (`S3ObjectCreatedNotificationEvent`). */
export type LambdaObjectEvent = object;

/**
 * A Lambda handler for S3 notifications and EventBridge "Object Created" events around a portable
 * `ObjectLandedHandler`. Other S3 events are logged and skipped; a malformed event throws, naming the field,
 * so that Lambda retries it and then sends it to the function's failure destination.
 */
export function awsLambdaObjectLanded(
  handler: ObjectLandedHandler,
  options?: AdapterOptions,
): (event: LambdaObjectEvent, context: LambdaContext) => Promise<void> {
  const start = coldStart('awsLambdaObjectLanded', options);
  return async (event, context) => {
    const requestId = context?.awsRequestId ?? randomUUID();
    const log = createLogger({ requestId, level: start.logLevel, write: start.writeLog });
    let landed: ObjectLanded[];
    try {
      landed = objectsLanded(event, log);
    } catch (error) {
      log.error('awsLambdaObjectLanded: malformed event', { error });
      throw error;
    }
    const deadline = invocationSignal(context?.getRemainingTimeInMillis?.(), start.deadlineMarginMs);
    try {
      for (const object of landed) {
        const eventLog = createLogger({
          requestId,
          eventId: object.eventId,
          level: start.logLevel,
          write: start.writeLog,
        });
        await invokeObjectLanded(handler, object, {
          log: eventLog,
          requestId,
          signal: deadline.signal,
          stores: start.stores,
        });
      }
    } finally {
      deadline.dispose();
    }
  };
}

/** The objects an S3 notification or EventBridge event reports as created, in order. */
export function objectsLanded(event: unknown, log: Logger): ObjectLanded[] {
  const shape = requireObject(event, 'event');
  if (shape.Event === 's3:TestEvent') {
    log.info('ignored the S3 test event sent when the notification was configured', { bucket: shape.Bucket });
    return [];
  }
  if (Array.isArray(shape.Records))
    return shape.Records.flatMap((record, i) => fromRecord(record, `Records[${i}]`, log));
  if ('detail-type' in shape) return fromEventBridge(shape, log);
  throw new MalformedEventError(
    'event has neither Records (an S3 notification) nor detail-type (an EventBridge event from S3)',
  );
}

function fromRecord(value: unknown, field: string, log: Logger): ObjectLanded[] {
  const record = requireObject(value, field);
  if (record.eventSource !== 'aws:s3') {
    throw new MalformedEventError(
      `${field}.eventSource is ${describe(record.eventSource)}; expected "aws:s3" ` +
        '(a notification delivered through SQS or SNS must be unwrapped before this handler)',
    );
  }
  const eventName = requireString(record.eventName, `${field}.eventName`, 'an S3 event name');
  const s3 = requireObject(record.s3, `${field}.s3`);
  const bucket = requireString(
    requireObject(s3.bucket, `${field}.s3.bucket`).name,
    `${field}.s3.bucket.name`,
    'a bucket name',
  );
  const object = requireObject(s3.object, `${field}.s3.object`);
  const rawKey = requireString(object.key, `${field}.s3.object.key`, 'the URL-encoded object key');
  if (!eventName.startsWith('ObjectCreated:')) {
    log.info('ignored an S3 event that is not ObjectCreated', { eventName, bucket, key: rawKey });
    return [];
  }
  const sequencer = requireString(object.sequencer, `${field}.s3.object.sequencer`, 'the S3 sequencer');
  return [
    {
      provider: 'aws',
      bucket,
      key: decodeKey(rawKey, `${field}.s3.object.key`),
      size: requireSize(object.size, `${field}.s3.object.size`),
      etag: requireString(object.eTag, `${field}.s3.object.eTag`, 'the object ETag'),
      ...optionalVersion(object.versionId, `${field}.s3.object.versionId`),
      time: requireTime(record.eventTime, `${field}.eventTime`),
      // S3 notifications carry no ID; bucket, key and sequencer name this write, stable across redeliveries.
      eventId: createHash('sha256').update(`${bucket}\n${rawKey}\n${sequencer}`).digest('hex').slice(0, 32),
    },
  ];
}

function fromEventBridge(event: Readonly<Record<string, unknown>>, log: Logger): ObjectLanded[] {
  if (event.source !== 'aws.s3') {
    throw new MalformedEventError(`event.source is ${describe(event.source)}; expected "aws.s3"`);
  }
  const detailType = requireString(event['detail-type'], 'event.detail-type', 'an EventBridge detail type');
  const detail = requireObject(event.detail, 'event.detail');
  const bucket = requireString(
    requireObject(detail.bucket, 'event.detail.bucket').name,
    'event.detail.bucket.name',
    'a bucket name',
  );
  const object = requireObject(detail.object, 'event.detail.object');
  const rawKey = requireString(object.key, 'event.detail.object.key', 'the URL-encoded object key');
  if (detailType !== 'Object Created') {
    log.info('ignored an EventBridge S3 event that is not Object Created', {
      detailType,
      bucket,
      key: rawKey,
    });
    return [];
  }
  return [
    {
      provider: 'aws',
      bucket,
      // EventBridge encodes keys as S3 notifications do (AWS Lambda Powertools decodes both the same way).
      key: decodeKey(rawKey, 'event.detail.object.key'),
      size: requireSize(object.size, 'event.detail.object.size'),
      etag: requireString(object.etag, 'event.detail.object.etag', 'the object ETag'),
      ...optionalVersion(object['version-id'], 'event.detail.object.version-id'),
      time: requireTime(event.time, 'event.time'),
      eventId: requireString(event.id, 'event.id', 'the EventBridge event ID'),
    },
  ];
}

/** S3 URL-encodes keys in events, with `+` for a space (so a real `+` arrives as `%2B`). */
function decodeKey(raw: string, field: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new MalformedEventError(`${field} is ${describe(raw)}, which is not a URL-encoded key`);
  }
}

function requireSize(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new MalformedEventError(`${field} is ${describe(value)}; expected a size in bytes (an integer ≥ 0)`);
}

function optionalVersion(value: unknown, field: string): { versionId?: string } {
  if (value === undefined || value === null || value === '') return {};
  return { versionId: requireString(value, field, 'a version ID') };
}
