import type { S3Event, S3EventRecord, S3ObjectCreatedNotificationEvent } from 'aws-lambda';
import type { ObjectLanded } from '../../../functions/runtime';

/*
 * The behaviour table of storage events, written once: objects whose keys hold spaces, unicode, `+`,
 * `%` and `=`, and the cloud payloads that announce them (S3 notification, EventBridge, GCS CloudEvent).
 * Every adapter must hand the handler the same `ObjectLanded`, the key decoded exactly once.
 */

export interface LandedCase {
  readonly name: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string;
  readonly time: string;
}

export const LANDING_BUCKET = 'lake-landing-eu';

export const objectLandedTable: readonly LandedCase[] = [
  {
    name: 'a plain key',
    key: 'raw/2026/12/report.csv',
    size: 1024,
    etag: 'd41d8cd98f00b204e9800998ecf8427e',
    time: '2026-12-01T19:00:00.000Z',
  },
  {
    name: 'a key with spaces',
    key: 'with space/quarterly report 2026.pdf',
    size: 5_242_880,
    etag: '9b2cf535f27731c974343645a3985328',
    versionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
    time: '2026-12-01T19:00:01.000Z',
  },
  {
    name: 'a unicode key',
    key: 'unicode/café-日本語-🌍.json',
    size: 77,
    etag: 'a1b2c3',
    time: '2026-12-01T19:00:02.500Z',
  },
  {
    name: 'a key with a plus sign',
    key: 'plus/c++ notes+v2.txt',
    size: 3,
    etag: 'e1e2e3',
    time: '2026-12-01T19:00:03.000Z',
  },
  {
    name: 'a key with % = & and ?',
    key: 'odd/100% done=yes&more?.bin',
    size: 0,
    etag: 'f00f',
    time: '2026-12-01T19:00:04.000Z',
  },
];

/** How S3 writes a key into its events: URL-encoded, a space as `+`, so a real `+` is `%2B`. */
export function s3EncodedKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

export function s3Record(row: LandedCase, eventName = 'ObjectCreated:Put'): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'eu-west-1',
    eventTime: row.time,
    eventName,
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '198.51.100.7' },
    responseElements: {
      'x-amz-request-id': 'C3D13FE58DE4C810',
      'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'landing-created',
      bucket: {
        name: LANDING_BUCKET,
        ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
        arn: `arn:aws:s3:::${LANDING_BUCKET}`,
      },
      object: {
        key: s3EncodedKey(row.key),
        size: row.size,
        eTag: row.etag,
        ...(row.versionId === undefined ? {} : { versionId: row.versionId }),
        sequencer: '0055AED6DCD90281E5',
      },
    },
  };
}

export function s3Notification(...records: S3EventRecord[]): S3Event {
  return { Records: records };
}

export function eventBridgeEvent(
  row: LandedCase,
  id = '17793124-05d4-b198-2fde-7ededc63b103',
): S3ObjectCreatedNotificationEvent {
  return {
    version: '0',
    id,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: row.time,
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${LANDING_BUCKET}`],
    detail: {
      version: '0',
      bucket: { name: LANDING_BUCKET },
      object: {
        key: s3EncodedKey(row.key),
        size: row.size,
        etag: row.etag,
        'version-id': row.versionId ?? '',
        sequencer: '617f08299329d189',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      'source-ip-address': '198.51.100.7',
      reason: 'PutObject',
    },
  };
}

/** A Cloud Storage object resource as GCS puts it in `data`: int64 fields as strings, the name as is. */
export function gcsObjectData(row: LandedCase): Record<string, unknown> {
  return {
    kind: 'storage#object',
    id: `${LANDING_BUCKET}/${row.key}/1733079600000000`,
    name: row.key,
    bucket: LANDING_BUCKET,
    generation: row.versionId === undefined ? '1733079600000000' : '1733079600123456',
    metageneration: '1',
    contentType: 'application/octet-stream',
    timeCreated: row.time,
    updated: row.time,
    storageClass: 'STANDARD',
    size: String(row.size),
    md5Hash: 'CY9rzUYh03PK3k6DJie09g==',
    etag: row.etag,
  };
}

export interface CloudEventRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The HTTP request Eventarc sends in binary mode: attributes in `ce-` headers, the object as JSON. */
export function gcsBinaryCloudEvent(
  row: LandedCase,
  type = 'google.cloud.storage.object.v1.finalized',
  id = 'evt-4242',
): CloudEventRequest {
  return {
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-type': type,
      'ce-source': `//storage.googleapis.com/projects/_/buckets/${LANDING_BUCKET}`,
      'ce-id': id,
      // CloudEvents' HTTP binding percent-encodes attribute values that are not printable ASCII.
      'ce-subject': `objects/${encodeURIComponent(row.key)}`,
      'ce-time': row.time,
    },
    body: JSON.stringify(gcsObjectData(row)),
  };
}

/** The same event in structured mode: one JSON document with the attributes and `data`. */
export function gcsStructuredCloudEvent(row: LandedCase, id = 'evt-4343'): CloudEventRequest {
  return {
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({
      specversion: '1.0',
      type: 'google.cloud.storage.object.v1.finalized',
      source: `//storage.googleapis.com/projects/_/buckets/${LANDING_BUCKET}`,
      id,
      subject: `objects/${row.key}`,
      time: row.time,
      datacontenttype: 'application/json',
      data: gcsObjectData(row),
    }),
  };
}

/** The `ObjectLanded` every adapter must produce for `row` (the event ID aside, which each cloud names). */
export function expectedLanded(row: LandedCase, provider: 'aws' | 'gcp'): Omit<ObjectLanded, 'eventId'> {
  const versionId =
    provider === 'gcp'
      ? row.versionId === undefined
        ? '1733079600000000'
        : '1733079600123456'
      : row.versionId;
  return {
    provider,
    bucket: LANDING_BUCKET,
    key: row.key,
    size: row.size,
    etag: row.etag,
    ...(versionId === undefined ? {} : { versionId }),
    time: new Date(row.time),
  };
}
