import { pipeline } from 'stream/promises';
import type { Readable } from 'stream';
import type { File, FileMetadata, Storage } from '@google-cloud/storage';
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
import { wholeBody } from './object-body';

export interface GcsServiceAccountKey {
  readonly client_email: string;
  readonly private_key: string;
}

export interface GcsObjectStoreProps {
  readonly bucket: string;
  /** The client to use. Not with `apiEndpoint` or `credentials`. @default - a client built from those */
  readonly storage?: Storage;
  /**
   * A GCS-protocol endpoint, such as a local server; requests to it carry no credentials.
   * @default - Google's endpoint (https://storage.googleapis.com)
   */
  readonly apiEndpoint?: string;
  /**
   * A service-account key, which also signs URLs offline.
   * @default - Application Default Credentials (the function's service account; signing then calls IAM signBlob)
   */
  readonly credentials?: GcsServiceAccountKey;
}

type GcsSdk = typeof import('@google-cloud/storage');
// PortableFunction leaves the GCS SDK out of Lambda bundles (half their size): see cloud-sdk.ts.
const loadGcsSdk = (): Promise<GcsSdk> =>
  loadCloudSdk(() => import('@google-cloud/storage'), {
    store: 'GcsObjectStore',
    sdk: '@google-cloud/storage',
    leftOutBy: 'PortableFunction leaves it out on AWS Lambda',
    instead: 'use BIS_STORE_PROVIDER=s3 on AWS',
  });

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 404;
}

function infoOf(key: string, metadata: FileMetadata): ObjectInfo {
  const userMetadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata.metadata ?? {})) {
    if (value !== null && value !== undefined) userMetadata[name] = String(value);
  }
  return {
    key,
    size: Number(metadata.size ?? 0), // int64 fields arrive as strings
    etag: metadata.etag ?? '',
    lastModified: new Date(metadata.updated ?? 0),
    contentType: metadata.contentType,
    metadata: userMetadata,
    versionId: metadata.generation === undefined ? undefined : String(metadata.generation),
  };
}

/**
 * Where `signedUrl` points without `apiEndpoint`: v4 signed URLs are path-style on one host for every
 * bucket, so a page that PUTs to them allows this one origin (the catalog's `CATALOG_UPLOAD_ORIGINS`).
 */
export const GCS_SIGNED_URL_ORIGIN = 'https://storage.googleapis.com';

/**
 * A GCS bucket through @google-cloud/storage. A write is one upload (multipart for bytes, resumable
 * for a stream) that GCS makes visible only when complete; a read is pinned to the generation its
 * metadata came from, so bytes and info always belong together.
 */
export class GcsObjectStore implements ObjectStore {
  public readonly description: string;
  private readonly bucketName: string;
  private readonly props: GcsObjectStoreProps;
  private storage?: Promise<Storage>;

  constructor(props: GcsObjectStoreProps) {
    if (typeof props?.bucket !== 'string' || props.bucket === '') {
      throw new ObjectStoreInputError(
        "GcsObjectStore needs a bucket: new GcsObjectStore({ bucket: 'my-lake-landing' })",
      );
    }
    if (props.storage !== undefined && (props.apiEndpoint !== undefined || props.credentials !== undefined)) {
      throw new ObjectStoreInputError(
        'GcsObjectStore takes either storage or apiEndpoint/credentials to build one, not both: configure the Storage you pass',
      );
    }
    if (props.apiEndpoint !== undefined && !/^https?:\/\//.test(props.apiEndpoint)) {
      throw new ObjectStoreInputError(
        `GcsObjectStore apiEndpoint ${JSON.stringify(props.apiEndpoint)} is not an http(s) URL; give e.g. 'http://127.0.0.1:4443'`,
      );
    }
    this.props = props;
    this.bucketName = props.bucket;
    this.description = `gs://${props.bucket}`;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const file = await this.file(validateObjectKey(key));
    let info: ObjectInfo;
    try {
      info = infoOf(key, (await file.getMetadata())[0]);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const pinned = await this.file(key, info.versionId);
    return { ...info, body: pinned.createReadStream() };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = await this.file(validateObjectKey(key));
    try {
      return infoOf(key, (await file.getMetadata())[0]);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo> {
    const validKey = validateObjectKey(key);
    const { contentType, metadata } = validatePutOptions(validKey, options);
    const bytes = wholeBody(body);
    const file = await this.file(validKey);
    const upload = {
      contentType,
      metadata: { contentType, metadata: { ...metadata } },
      // Bytes go in one multipart request; a stream of unknown length goes resumable, in one session.
      resumable: bytes === undefined,
    };
    if (bytes !== undefined) await file.save(bytes, upload);
    else await pipeline(body as Readable, file.createWriteStream(upload));
    return infoOf(validKey, file.metadata);
  }

  async list(prefix: string, options?: ListOptions): Promise<ListPage> {
    const validPrefix = validateListPrefix(prefix);
    const maxResults = validateListLimit(options?.limit);
    const bucket = (await this.client()).bucket(this.bucketName);
    const [files, next] = await bucket.getFiles({
      prefix: validPrefix,
      maxResults,
      pageToken: options?.cursor,
      autoPaginate: false,
    });
    return {
      objects: files.map((file) => {
        const info = infoOf(file.name, file.metadata);
        return { key: info.key, size: info.size, etag: info.etag, lastModified: info.lastModified };
      }),
      cursor: (next as { pageToken?: string } | null)?.pageToken,
    };
  }

  async delete(key: string): Promise<void> {
    const file = await this.file(validateObjectKey(key));
    await file.delete({ ignoreNotFound: true });
  }

  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    const file = await this.file(validateObjectKey(key));
    validateSignedUrlOptions(key, options);
    const [url] = await file.getSignedUrl({
      version: 'v4',
      action: options.method === 'GET' ? 'read' : 'write',
      expires: Date.now() + options.expiresInSeconds * 1000,
      contentType: options.contentType,
      // A signed content-length header: GCS refuses an upload of any other size.
      extensionHeaders:
        options.contentLength === undefined ? undefined : { 'content-length': String(options.contentLength) },
    });
    return url;
  }

  private async file(key: string, generation?: string): Promise<File> {
    const bucket = (await this.client()).bucket(this.bucketName);
    return bucket.file(key, generation === undefined ? undefined : { generation: Number(generation) });
  }

  private client(): Promise<Storage> {
    this.storage ??= this.props.storage
      ? Promise.resolve(this.props.storage)
      : loadGcsSdk().then(
          (sdk) =>
            new sdk.Storage({
              apiEndpoint: this.props.apiEndpoint,
              credentials: this.props.credentials && { ...this.props.credentials },
            }),
        );
    return this.storage;
  }
}
