import { createHash } from 'crypto';
import type { Readable } from 'stream';
import type { S3Client, CompletedPart } from '@aws-sdk/client-s3';
import { ObjectStoreInputError } from '../object-store';
import type {
  ListOptions,
  ListPage,
  ObjectBody,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  SignedUrlOptions,
  StoredObject,
} from '../object-store';
import {
  validateListLimit,
  validateListPrefix,
  validateObjectKey,
  validatePutOptions,
  validateSignedUrlOptions,
} from './keys';
import { loadCloudSdk } from './cloud-sdk';
import { chunkBytes, wholeBody } from './object-body';

export interface S3ObjectStoreProps {
  readonly bucket: string;
  /** The KMS key (ID, ARN or alias) every write is encrypted under (SSE-KMS): the lake key. */
  readonly kmsKeyId: string;
  /**
   * The client to use; give it `requestChecksumCalculation: 'WHEN_REQUIRED'` so presigned PUT URLs
   * carry no checksum of an empty body.
   * @default - a client for `endpoint` and `region` that computes checksums only when required
   */
  readonly client?: S3Client;
  /**
   * An S3-protocol endpoint, such as a local server; requests then use path-style addressing.
   * Not with `client`.
   * @default - AWS's endpoint for the region
   */
  readonly endpoint?: string;
  /** Not with `client`. @default - the SDK's chain (AWS_REGION on Lambda) */
  readonly region?: string;
  /**
   * A stream longer than this is uploaded in parts of this size, so at most one part is in memory.
   * 5 MiB (the S3 minimum) to 512 MiB.
   * @default 8 MiB
   */
  readonly partSizeBytes?: number;
}

const MIB = 1024 * 1024;
const MAX_PARTS = 10_000;

type S3Sdk = typeof import('@aws-sdk/client-s3');
// `npm run package:gcp` leaves the AWS SDK out of the Cloud Functions bundle: see cloud-sdk.ts.
const AWS_SDK_LEFT_OUT = {
  store: 'S3ObjectStore',
  leftOutBy: '`npm run package:gcp` leaves it out on Google Cloud',
  instead: 'use BIS_STORE_PROVIDER=gcs on Google Cloud',
};
const loadS3Sdk = (): Promise<S3Sdk> =>
  loadCloudSdk(() => import('@aws-sdk/client-s3'), { ...AWS_SDK_LEFT_OUT, sdk: '@aws-sdk/client-s3' });
const loadPresigner = (): Promise<typeof import('@aws-sdk/s3-request-presigner')> =>
  loadCloudSdk(() => import('@aws-sdk/s3-request-presigner'), {
    ...AWS_SDK_LEFT_OUT,
    sdk: '@aws-sdk/s3-request-presigner',
  });

function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}

/** Reads a stream into pieces of exactly `size` bytes (the last one shorter), holding one at a time. */
async function* piecesOf(
  stream: AsyncIterable<unknown> | Iterable<unknown>,
  size: number,
): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  for await (const chunk of stream) {
    let bytes = chunkBytes(chunk);
    while (heldBytes + bytes.length >= size) {
      const take = size - heldBytes;
      held.push(bytes.subarray(0, take));
      yield Buffer.concat(held);
      bytes = bytes.subarray(take);
      held = [];
      heldBytes = 0;
    }
    if (bytes.length > 0) {
      held.push(bytes);
      heldBytes += bytes.length;
    }
  }
  if (heldBytes > 0 || held.length === 0) yield Buffer.concat(held);
}

/**
 * An S3 bucket through the AWS SDK v3. Every write through `put` is SSE-KMS under `kmsKeyId` with a
 * bucket key and carries a SHA-256 checksum that S3 verifies; a signed PUT URL relies on the bucket's
 * default encryption (DataLake sets the lake key), so an uploader sends only the content type. A stream that fits in one part is one PutObject; a
 * longer one is a multipart upload of bounded parts, aborted if anything fails, so no object appears.
 */
export class S3ObjectStore implements ObjectStore {
  public readonly description: string;
  private readonly bucket: string;
  private readonly kmsKeyId: string;
  private readonly partSizeBytes: number;
  private readonly props: S3ObjectStoreProps;
  private client?: Promise<S3Client>;

  constructor(props: S3ObjectStoreProps) {
    if (typeof props?.bucket !== 'string' || props.bucket === '') {
      throw new ObjectStoreInputError(
        "S3ObjectStore needs a bucket: new S3ObjectStore({ bucket: 'my-lake-landing', kmsKeyId })",
      );
    }
    if (typeof props.kmsKeyId !== 'string' || props.kmsKeyId === '') {
      throw new ObjectStoreInputError(
        `S3ObjectStore for bucket ${props.bucket} needs kmsKeyId: every write is encrypted under the lake key`,
      );
    }
    if (props.client !== undefined && (props.endpoint !== undefined || props.region !== undefined)) {
      throw new ObjectStoreInputError(
        'S3ObjectStore takes either a client or endpoint/region to build one, not both: configure the client you pass',
      );
    }
    if (props.endpoint !== undefined && !/^https?:\/\//.test(props.endpoint)) {
      throw new ObjectStoreInputError(
        `S3ObjectStore endpoint ${JSON.stringify(props.endpoint)} is not an http(s) URL; give e.g. 'http://127.0.0.1:4568'`,
      );
    }
    const partSize = props.partSizeBytes ?? 8 * MIB;
    if (!Number.isInteger(partSize) || partSize < 5 * MIB || partSize > 512 * MIB) {
      throw new ObjectStoreInputError(
        `S3ObjectStore partSizeBytes ${partSize} is refused: give 5 MiB to 512 MiB`,
      );
    }
    this.props = props;
    this.bucket = props.bucket;
    this.kmsKeyId = props.kmsKeyId;
    this.partSizeBytes = partSize;
    this.description = `s3://${props.bucket}`;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const Key = validateObjectKey(key);
    const [sdk, client] = await Promise.all([loadS3Sdk(), this.s3()]);
    try {
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key }));
      return { ...objectInfo(Key, object), body: object.Body as Readable };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const Key = validateObjectKey(key);
    const [sdk, client] = await Promise.all([loadS3Sdk(), this.s3()]);
    try {
      const object = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key }));
      return objectInfo(Key, object);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo> {
    const Key = validateObjectKey(key);
    const { contentType, metadata } = validatePutOptions(Key, options);
    const bytes = wholeBody(body);
    const written = {
      Bucket: this.bucket,
      Key,
      ContentType: contentType,
      Metadata: metadata,
      ServerSideEncryption: 'aws:kms' as const,
      SSEKMSKeyId: this.kmsKeyId,
      BucketKeyEnabled: true,
    };
    const [sdk, client] = await Promise.all([loadS3Sdk(), this.s3()]);
    // Bytes given whole go in one PutObject (up to S3's 5 GB); a stream is read a part at a time.
    const pieces = piecesOf(bytes === undefined ? (body as AsyncIterable<unknown>) : [], this.partSizeBytes);
    const first = bytes ?? ((await pieces.next()).value as Buffer);
    const second = bytes === undefined ? await pieces.next() : { done: true as const, value: undefined };

    if (second.done) {
      const response = await client.send(
        new sdk.PutObjectCommand({
          ...written,
          Body: first,
          ContentLength: first.length,
          ChecksumSHA256: sha256Base64(first),
        }),
      );
      const info = { key: Key, size: first.length, etag: unquote(response.ETag), contentType, metadata };
      return { ...info, lastModified: new Date(), versionId: response.VersionId };
    }

    const { UploadId } = await client.send(
      new sdk.CreateMultipartUploadCommand({ ...written, ChecksumAlgorithm: 'SHA256' }),
    );
    const parts: CompletedPart[] = [];
    let size = 0;
    try {
      const uploadPart = async (piece: Buffer): Promise<void> => {
        const PartNumber = parts.length + 1;
        if (PartNumber > MAX_PARTS) {
          throw new ObjectStoreInputError(
            `the stream for key ${JSON.stringify(Key)} needs more than ${MAX_PARTS} parts of ${this.partSizeBytes} bytes; raise partSizeBytes`,
          );
        }
        const ChecksumSHA256 = sha256Base64(piece);
        const response = await client.send(
          new sdk.UploadPartCommand({
            Bucket: this.bucket,
            Key,
            UploadId,
            PartNumber,
            Body: piece,
            ContentLength: piece.length,
            ChecksumSHA256,
          }),
        );
        parts.push({ PartNumber, ETag: response.ETag, ChecksumSHA256 });
        size += piece.length;
      };
      await uploadPart(first);
      await uploadPart(second.value as Buffer);
      for await (const piece of pieces) if (piece.length > 0) await uploadPart(piece);
      const response = await client.send(
        new sdk.CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      return {
        key: Key,
        size,
        etag: unquote(response.ETag),
        lastModified: new Date(),
        contentType,
        metadata,
        versionId: response.VersionId,
      };
    } catch (error) {
      await client
        .send(new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId }))
        .catch(() => undefined);
      throw error;
    }
  }

  async list(prefix: string, options?: ListOptions): Promise<ListPage> {
    const Prefix = validateListPrefix(prefix);
    const MaxKeys = validateListLimit(options?.limit);
    const [sdk, client] = await Promise.all([loadS3Sdk(), this.s3()]);
    const page = await client.send(
      new sdk.ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix,
        MaxKeys,
        ContinuationToken: options?.cursor,
      }),
    );
    return {
      objects: (page.Contents ?? []).map((object) => ({
        key: object.Key ?? '',
        size: object.Size ?? 0,
        etag: unquote(object.ETag),
        lastModified: object.LastModified ?? new Date(0),
      })),
      cursor: page.IsTruncated ? page.NextContinuationToken : undefined,
    };
  }

  async delete(key: string): Promise<void> {
    const Key = validateObjectKey(key);
    const [sdk, client] = await Promise.all([loadS3Sdk(), this.s3()]);
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key }));
  }

  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    const Key = validateObjectKey(key);
    validateSignedUrlOptions(Key, options);
    const [sdk, presigner, client] = await Promise.all([loadS3Sdk(), loadPresigner(), this.s3()]);
    const command =
      options.method === 'GET'
        ? new sdk.GetObjectCommand({ Bucket: this.bucket, Key })
        : // No SSE headers: the presigner would make every uploader send them; the lake bucket's
          // default encryption (the lake key, with a bucket key) applies to a header-less PUT.
          new sdk.PutObjectCommand({
            Bucket: this.bucket,
            Key,
            ContentType: options.contentType,
            ContentLength: options.contentLength,
          });
    // Content type and length are signed headers, so the uploader must send exactly those.
    const signableHeaders = new Set<string>();
    if (options.contentType !== undefined) signableHeaders.add('content-type');
    if (options.contentLength !== undefined) signableHeaders.add('content-length');
    return presigner.getSignedUrl(client, command, { expiresIn: options.expiresInSeconds, signableHeaders });
  }

  private s3(): Promise<S3Client> {
    this.client ??= this.props.client
      ? Promise.resolve(this.props.client)
      : loadS3Sdk().then(
          (sdk) =>
            new sdk.S3Client({
              endpoint: this.props.endpoint,
              forcePathStyle: this.props.endpoint !== undefined,
              region: this.props.region,
              requestChecksumCalculation: 'WHEN_REQUIRED',
              responseChecksumValidation: 'WHEN_REQUIRED',
            }),
        );
    return this.client;
  }
}

/** What GetObject and HeadObject both answer about an object, in the port's shape. */
function objectInfo(
  key: string,
  object: {
    ContentLength?: number;
    ETag?: string;
    LastModified?: Date;
    ContentType?: string;
    Metadata?: Record<string, string>;
    VersionId?: string;
  },
): ObjectInfo {
  return {
    key,
    size: object.ContentLength ?? 0,
    etag: unquote(object.ETag),
    lastModified: object.LastModified ?? new Date(0),
    contentType: object.ContentType,
    metadata: object.Metadata ?? {},
    versionId: object.VersionId,
  };
}
