import { cloudEvent } from '@google-cloud/functions-framework';
import { randomUUID } from 'crypto';
import type { Logger, ObjectLanded, ObjectLandedHandler } from '../contract';
import { coldStart, invocationSignal, invokeObjectLanded, type AdapterOptions } from '../invocation';
import { createLogger } from '../logger';
import { describe, MalformedEventError, requireObject, requireString, requireTime } from '../malformed-event';
import { platformTimeoutMs, requireFunctionName } from './platform';

/** The CloudEvent type Cloud Storage sends through Eventarc when an object is written. */
export const GCS_OBJECT_FINALIZED = 'google.cloud.storage.object.v1.finalized';

/**
 * Registers a portable `ObjectLandedHandler` with functions-framework's `cloudEvent` under `name`.
 * Storage events other than `finalized` are logged and acknowledged; a malformed event fails (a 500, so
 * Eventarc retries it) with an error that names the field.
 */
export function gcpObjectLanded(name: string, handler: ObjectLandedHandler, options?: AdapterOptions): void {
  requireFunctionName(name, 'gcpObjectLanded');
  const start = coldStart('gcpObjectLanded', options);
  const timeoutMs = platformTimeoutMs();
  // One parameter: functions-framework then treats the function as async (a second one means a callback).
  cloudEvent(name, async (event: unknown) => {
    const id = (event as { id?: unknown } | null)?.id;
    const eventId = typeof id === 'string' && id !== '' ? id : randomUUID();
    const log = createLogger({ requestId: eventId, eventId, level: start.logLevel, write: start.writeLog });
    let landed: ObjectLanded | undefined;
    try {
      landed = objectLandedFromCloudEvent(event, log);
    } catch (error) {
      log.error('gcpObjectLanded: malformed event', { error });
      throw error;
    }
    if (landed === undefined) return;
    const deadline = invocationSignal(timeoutMs, start.deadlineMarginMs);
    try {
      await invokeObjectLanded(handler, landed, {
        log,
        requestId: eventId,
        signal: deadline.signal,
        stores: start.stores,
      });
    } finally {
      deadline.dispose();
    }
  });
}

/** The object a Cloud Storage CloudEvent reports as written, or `undefined` for other event types. */
export function objectLandedFromCloudEvent(event: unknown, log: Logger): ObjectLanded | undefined {
  const shape = requireObject(event, 'event');
  const type = requireString(shape.type, 'event.type', 'a CloudEvent type');
  if (type !== GCS_OBJECT_FINALIZED) {
    log.info(`ignored a CloudEvent that is not ${GCS_OBJECT_FINALIZED}`, { type, subject: shape.subject });
    return undefined;
  }
  const data = requireObject(parsedData(shape.data), 'event.data');
  const generation =
    data.generation === undefined ? undefined : int64(data.generation, 'event.data.generation', false);
  return {
    provider: 'gcp',
    bucket: requireString(data.bucket, 'event.data.bucket', 'a bucket name'),
    // GCS sends the object name as it is, not URL-encoded.
    key: requireString(data.name, 'event.data.name', 'the object name'),
    size: Number(int64(data.size, 'event.data.size', true)),
    etag: requireString(data.etag, 'event.data.etag', 'the object ETag'),
    ...(generation === undefined ? {} : { versionId: generation }),
    time:
      shape.time === undefined
        ? requireTime(data.updated, 'event.data.updated')
        : requireTime(shape.time, 'event.time'),
    eventId: requireString(shape.id, 'event.id', 'the CloudEvent ID'),
  };
}

/** `data` as an object: functions-framework leaves it a string or bytes when the content type is not JSON. */
function parsedData(data: unknown): unknown {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) return data;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    throw new MalformedEventError('event.data is not JSON; expected the Cloud Storage object as JSON');
  }
}

/** GCS writes int64 fields as decimal strings; the value, still a string, once checked. */
function int64(value: unknown, field: string, asNumber: boolean): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (
    typeof text === 'string' &&
    /^\d{1,19}$/.test(text) &&
    (!asNumber || Number.isSafeInteger(Number(text)))
  ) {
    return text;
  }
  throw new MalformedEventError(`${field} is ${describe(value)}; expected an int64 as a decimal string`);
}
