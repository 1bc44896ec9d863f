import { randomBytes } from 'crypto';
import { constants as fsConstants } from 'fs';
import type { BigIntStats } from 'fs';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rmdir, unlink } from 'fs/promises';
import type { FileHandle } from 'fs/promises';
import { join, resolve } from 'path';
import { ObjectStoreInputError } from '../object-store';
import type {
  ListOptions,
  ListPage,
  ListedObject,
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
import { chunkBytes, wholeBody } from './object-body';
import { signLocalUrl, verifyLocalSignedUrl } from './local-signed-url';
import type { LocalIncomingRequest, LocalSignedUrlVerdict } from './local-signed-url';

/*
 * Layout under the root: an object is a plain file at `<root>/<key>`; its metadata is a sidecar
 * `.bis-meta.<inode>.<name>` beside it. The sidecar names the data file's inode, size and mtime, and
 * it is written before the data file is renamed into place, so that rename is the one commit point:
 * a reader sees the old object with its metadata or the new one with its own, never a mix.
 */

export interface LocalObjectStoreOptions {
  /**
   * The URL where a server (the dev server) answers `/_objects/<key>` for signed URLs.
   * @default - none: `signedUrl` throws, saying how to set it
   */
  readonly publicBaseUrl?: string;
  /**
   * The HMAC secret for signed URLs; give the server the same one to verify them.
   * @default - 32 random bytes for this instance: only `this.verifySignedUrl` can check its URLs
   */
  readonly signingSecret?: Uint8Array | string;
}

export interface SweepOptions {
  /**
   * Leftovers younger than this are kept: a put in another process may be writing them right now.
   * @default 60000
   */
  readonly minAgeMs?: number;
  /** @default - the system clock */
  readonly now?: Date;
}

/** What a sweep deleted. */
export interface SweepResult {
  readonly files: number;
  readonly bytes: number;
}

/** File names the store writes beside objects; keys may not use them. */
const RESERVED_PREFIX = '.bis-';
const TEMP_PREFIX = '.bis-tmp-';
const SIDECAR_PREFIX = '.bis-meta.';
const SIDECAR_NAME = /^\.bis-meta\.(\d+)\.(.+)$/;
const SWEEP_MIN_AGE_MS = 60_000;
// Linux allows 255 bytes per name; the sidecar adds its prefix and an inode number.
const MAX_SEGMENT_BYTES = 200;
// A read that races an overwrite may find the old file's sidecar already gone: look again.
const READ_ATTEMPTS = 4;

interface Sidecar {
  readonly key: string;
  readonly ino: string;
  readonly size: number;
  readonly mtimeNs: string;
  readonly etag: string;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
}

interface Location {
  readonly dir: string;
  readonly name: string;
  readonly path: string;
}

interface Candidate extends Location {
  readonly key: string;
}

function isCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}

function sidecarName(ino: bigint | string, name: string): string {
  return `${SIDECAR_PREFIX}${ino}.${name}`;
}

/*
 * A new entity tag for every write, never a digest of the bytes: the lake's buckets are SSE-KMS, where
 * S3's ETag is not the MD5 either, so code that compares contents by ETag would pass here and fail there.
 * (An MD5 was also the most expensive step of a local put: 37 ms of a 20 MB upload, BENCHMARKS.md.)
 */
function newEtag(): string {
  return randomBytes(16).toString('hex');
}

function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** The embedded store: objects are files under `rootDir`, written atomically, metadata beside them. */
export class LocalObjectStore implements ObjectStore {
  public readonly description: string;
  private readonly root: string;
  private readonly publicBaseUrl?: string;
  private readonly signingSecret: Uint8Array | string;
  private realRoot?: Promise<string>;

  constructor(rootDir: string, options: LocalObjectStoreOptions = {}) {
    if (typeof rootDir !== 'string' || rootDir === '') {
      throw new ObjectStoreInputError(
        'LocalObjectStore needs a root directory, e.g. new LocalObjectStore(".lake/landing")',
      );
    }
    this.root = resolve(rootDir);
    this.description = `local:${this.root}`;
    if (options.publicBaseUrl !== undefined && !URL.canParse(options.publicBaseUrl)) {
      throw new ObjectStoreInputError(
        `LocalObjectStore publicBaseUrl ${JSON.stringify(options.publicBaseUrl)} is not a URL; give e.g. 'http://127.0.0.1:8080'`,
      );
    }
    this.publicBaseUrl = options.publicBaseUrl;
    this.signingSecret = options.signingSecret ?? randomBytes(32);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const location = await this.locate(validateObjectKey(key), false);
    if (location === undefined) return undefined;
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      let handle: FileHandle;
      try {
        handle = await open(location.path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
      } catch (error) {
        if (isCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
        if (isCode(error, 'ELOOP')) throw this.linkRefused(key, location.path);
        throw error;
      }
      let stats: BigIntStats;
      let info: ObjectInfo | undefined;
      try {
        stats = await handle.stat({ bigint: true });
        info = stats.isFile() ? await this.readSidecar(location, stats) : undefined;
      } catch (error) {
        await handle.close();
        throw error;
      }
      if (info !== undefined) return { ...info, body: handle.createReadStream() };
      await handle.close();
      if (!stats.isFile()) return undefined;
    }
    return undefined;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const location = await this.locate(validateObjectKey(key), false);
    return location === undefined ? undefined : this.infoAt(location);
  }

  async put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo> {
    const validKey = validateObjectKey(key);
    const { contentType, metadata } = validatePutOptions(validKey, options);
    const bytes = wholeBody(body);
    const location = await this.locate(validKey, true);
    if (location === undefined)
      throw new Error(`${this.description}: could not create the folders of ${key}`);
    const previous = await this.statIfExists(location.path);
    if (previous?.isDirectory()) throw this.folderConflict(validKey);
    if (previous?.isSymbolicLink()) throw this.linkRefused(validKey, location.path);

    const tempPath = join(location.dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    let sidecarPath: string | undefined;
    let committed = false;
    try {
      const handle = await open(tempPath, 'wx', 0o644);
      let stats: BigIntStats;
      try {
        if (bytes !== undefined) {
          await writeAll(handle, bytes);
        } else {
          // Piece by piece: a stream is written as it arrives, never held whole in memory.
          for await (const chunk of body as AsyncIterable<unknown>) await writeAll(handle, chunkBytes(chunk));
        }
        await handle.sync();
        stats = await handle.stat({ bigint: true });
      } finally {
        await handle.close();
      }
      const sidecar: Sidecar = {
        key: validKey,
        ino: String(stats.ino),
        size: Number(stats.size),
        mtimeNs: String(stats.mtimeNs),
        etag: newEtag(),
        contentType,
        metadata,
      };
      sidecarPath = join(location.dir, sidecarName(stats.ino, location.name));
      await this.writeFileAtomically(sidecarPath, JSON.stringify(sidecar));
      const replaced = await this.statIfExists(location.path);
      if (replaced?.isDirectory()) throw this.folderConflict(validKey);
      await rename(tempPath, location.path);
      committed = true;
      await fsyncDirectory(location.dir);
      if (replaced !== undefined && replaced.ino !== stats.ino) {
        await unlink(join(location.dir, sidecarName(replaced.ino, location.name))).catch(() => undefined);
      }
      return this.sidecarInfo(sidecar, stats);
    } catch (error) {
      if (!committed) {
        await unlink(tempPath).catch(() => undefined);
        if (sidecarPath !== undefined) await unlink(sidecarPath).catch(() => undefined);
      }
      throw error;
    }
  }

  async list(prefix: string, options?: ListOptions): Promise<ListPage> {
    const validPrefix = validateListPrefix(prefix);
    const limit = validateListLimit(options?.limit);
    const after = options?.cursor === undefined ? undefined : this.decodeCursor(options.cursor);
    const slash = validPrefix.lastIndexOf('/');
    const folder = slash < 0 ? '' : validPrefix.slice(0, slash);
    const start = folder === '' ? await this.rootPath() : (await this.locate(`${folder}/x`, false))?.dir;
    if (start === undefined) return { objects: [] };

    const candidates: Candidate[] = [];
    await this.walk(start, folder === '' ? '' : `${folder}/`, validPrefix, after, candidates);
    candidates.sort((a, b) => compareKeys(a.key, b.key));

    const objects: ListedObject[] = [];
    for (const candidate of candidates) {
      const info = await this.infoAt(candidate);
      if (info === undefined) continue;
      if (objects.length === limit) return { objects, cursor: this.encodeCursor(objects[limit - 1].key) };
      // Only what every store lists, so code that works here works on S3.
      objects.push({ key: info.key, size: info.size, etag: info.etag, lastModified: info.lastModified });
    }
    return { objects };
  }

  async delete(key: string): Promise<void> {
    const location = await this.locate(validateObjectKey(key), false);
    if (location === undefined) return;
    const stats = await this.statIfExists(location.path);
    if (stats === undefined || stats.isDirectory()) return;
    if (stats.isSymbolicLink()) throw this.linkRefused(key, location.path);
    await unlink(location.path).catch((error) => {
      if (!isCode(error, 'ENOENT')) throw error;
    });
    for (const entry of await readdir(location.dir)) {
      if (
        entry.startsWith(SIDECAR_PREFIX) &&
        entry.slice(SIDECAR_PREFIX.length).replace(/^\d+\./, '') === location.name
      ) {
        await unlink(join(location.dir, entry)).catch(() => undefined);
      }
    }
    await this.pruneEmptyFolders(location.dir);
  }

  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    const validKey = validateObjectKey(key);
    validateSignedUrlOptions(validKey, options);
    if (this.publicBaseUrl === undefined) {
      throw new Error(
        `${this.description} cannot sign a URL for ${JSON.stringify(key)}: a local URL needs a server to answer it. ` +
          `Create the store with new LocalObjectStore(root, { publicBaseUrl: 'http://127.0.0.1:8080', signingSecret }) ` +
          `and serve /_objects/ there, checking requests with verifyLocalSignedUrl and the same secret.`,
      );
    }
    return signLocalUrl(this.publicBaseUrl, this.signingSecret, {
      method: options.method,
      key: validKey,
      expires: Math.floor(Date.now() / 1000) + options.expiresInSeconds,
      contentType: options.contentType,
      contentLength: options.contentLength,
    });
  }

  /**
   * Deletes what a killed process left behind: temporary files (a put cut before its rename) and
   * sidecars whose data file is gone or is another inode. A committed object and its sidecar are never
   * touched, nor is anything younger than `minAgeMs`, nor a file of a name the store does not write.
   */
  async sweepLeftovers(options: SweepOptions = {}): Promise<SweepResult> {
    const minAgeMs = options.minAgeMs ?? SWEEP_MIN_AGE_MS;
    const cutoffMs = (options.now ?? new Date()).getTime() - minAgeMs;
    let files = 0;
    let bytes = 0;
    const sweep = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && !entry.name.startsWith(RESERVED_PREFIX)) {
          await sweep(path);
          continue;
        }
        if (!entry.isFile() || !(await this.isLeftover(dir, entry.name))) continue;
        const stats = await this.statIfExists(path);
        if (stats === undefined || !stats.isFile() || Number(stats.mtimeMs) > cutoffMs) continue;
        try {
          await unlink(path);
        } catch (error) {
          if (isCode(error, 'ENOENT')) continue; // another sweep or the put's own cleanup got there first
          throw error;
        }
        files++;
        bytes += Number(stats.size);
      }
    };
    await sweep(await this.rootPath());
    return { files, bytes };
  }

  /** Checks a request to a URL this store signed, with its own secret. */
  verifySignedUrl(url: string | URL, incoming: LocalIncomingRequest, now?: Date): LocalSignedUrlVerdict {
    return verifyLocalSignedUrl(url, incoming, { signingSecret: this.signingSecret, now });
  }

  private rootPath(): Promise<string> {
    this.realRoot ??= mkdir(this.root, { recursive: true })
      .then(() => realpath(this.root))
      .catch((error: unknown) => {
        this.realRoot = undefined; // a root made usable later (permissions, a mount) is picked up
        throw error;
      });
    return this.realRoot;
  }

  /**
   * The folder and file name for a key, walking each folder with lstat so that no symbolic link is
   * followed (a link could lead out of the root). Creates missing folders when `create` is set;
   * otherwise a missing folder means there is no object.
   */
  private async locate(key: string, create: boolean): Promise<Location | undefined> {
    const segments = key.split('/');
    for (const segment of segments) {
      if (segment.startsWith(RESERVED_PREFIX)) {
        throw new ObjectStoreInputError(
          `key ${JSON.stringify(key)} is refused: segments starting with '${RESERVED_PREFIX}' are reserved by the local store for its own files`,
        );
      }
      if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
        throw new ObjectStoreInputError(
          `key ${JSON.stringify(key)} is refused: the local store keeps segments (between '/') to ${MAX_SEGMENT_BYTES} bytes`,
        );
      }
    }
    let dir = await this.rootPath();
    for (const [index, segment] of segments.slice(0, -1).entries()) {
      const next = join(dir, segment);
      let stats = await this.statIfExists(next);
      if (stats === undefined) {
        if (!create) return undefined;
        await mkdir(next).catch((error) => {
          if (!isCode(error, 'EEXIST')) throw error;
        });
        stats = await lstat(next, { bigint: true });
      }
      if (stats.isSymbolicLink()) throw this.linkRefused(key, next);
      if (!stats.isDirectory()) {
        if (!create) return undefined;
        throw new ObjectStoreInputError(
          `key ${JSON.stringify(key)} is refused: ${JSON.stringify(segments.slice(0, index + 1).join('/'))} is an object, ` +
            `and the local store keeps keys as paths, so no key can continue it with '/'`,
        );
      }
      dir = next;
    }
    const name = segments[segments.length - 1];
    return { dir, name, path: join(dir, name) };
  }

  private async walk(
    dir: string,
    base: string,
    prefix: string,
    after: string | undefined,
    into: Candidate[],
  ): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(RESERVED_PREFIX)) continue;
      const key = `${base}${entry.name}`;
      if (entry.isDirectory()) {
        const folder = `${key}/`;
        if (folder.startsWith(prefix) || prefix.startsWith(folder))
          await this.walk(join(dir, entry.name), folder, prefix, after, into);
      } else if (
        entry.isFile() &&
        key.startsWith(prefix) &&
        (after === undefined || compareKeys(key, after) > 0)
      ) {
        into.push({ dir, name: entry.name, path: join(dir, entry.name), key });
      }
    }
  }

  /** A temporary file, or a sidecar that describes no current data file beside it. */
  private async isLeftover(dir: string, name: string): Promise<boolean> {
    if (name.startsWith(TEMP_PREFIX)) return true;
    const sidecar = SIDECAR_NAME.exec(name);
    if (sidecar === null) return false;
    const data = await this.statIfExists(join(dir, sidecar[2]));
    return data === undefined || !data.isFile() || String(data.ino) !== sidecar[1];
  }

  private async infoAt(location: Location): Promise<ObjectInfo | undefined> {
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const stats = await this.statIfExists(location.path);
      if (stats === undefined || stats.isDirectory()) return undefined;
      if (stats.isSymbolicLink()) throw this.linkRefused(location.name, location.path);
      const info = await this.readSidecar(location, stats);
      if (info !== undefined) return info;
    }
    return undefined;
  }

  /** The object's info when its sidecar describes this very file, `undefined` otherwise. */
  private async readSidecar(location: Location, stats: BigIntStats): Promise<ObjectInfo | undefined> {
    let sidecar: Sidecar;
    try {
      sidecar = JSON.parse(
        await readFile(join(location.dir, sidecarName(stats.ino, location.name)), 'utf8'),
      ) as Sidecar;
    } catch (error) {
      if (isCode(error, 'ENOENT') || error instanceof SyntaxError) return undefined;
      throw error;
    }
    if (sidecar.size !== Number(stats.size) || sidecar.mtimeNs !== String(stats.mtimeNs)) return undefined;
    return this.sidecarInfo(sidecar, stats);
  }

  private sidecarInfo(sidecar: Sidecar, stats: BigIntStats): ObjectInfo {
    return {
      key: sidecar.key,
      size: sidecar.size,
      etag: sidecar.etag,
      lastModified: new Date(Number(stats.mtimeMs)),
      contentType: sidecar.contentType,
      metadata: { ...sidecar.metadata },
    };
  }

  private async writeFileAtomically(path: string, text: string): Promise<void> {
    const temp = `${path.slice(0, path.lastIndexOf('/') + 1)}${TEMP_PREFIX}${randomBytes(8).toString('hex')}`;
    try {
      const handle = await open(temp, 'wx', 0o644);
      try {
        await writeAll(handle, Buffer.from(text, 'utf8'));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  private async pruneEmptyFolders(dir: string): Promise<void> {
    const root = await this.rootPath();
    for (let folder = dir; folder.startsWith(`${root}/`); folder = folder.slice(0, folder.lastIndexOf('/'))) {
      try {
        await rmdir(folder);
      } catch {
        return;
      }
    }
  }

  private async statIfExists(path: string): Promise<BigIntStats | undefined> {
    try {
      return await lstat(path, { bigint: true });
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  private encodeCursor(lastKey: string): string {
    return Buffer.from(`after:${lastKey}`, 'utf8').toString('base64url');
  }

  private decodeCursor(cursor: string): string {
    const text = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
    if (!text.startsWith('after:')) {
      throw new ObjectStoreInputError(`list cursor ${JSON.stringify(cursor)} is not one this store returned`);
    }
    return text.slice('after:'.length);
  }

  private linkRefused(key: string, path: string): ObjectStoreInputError {
    return new ObjectStoreInputError(
      `key ${JSON.stringify(key)} is refused: ${path} is a symbolic link, and the local store never follows links out of ${this.root}`,
    );
  }

  private folderConflict(key: string): ObjectStoreInputError {
    return new ObjectStoreInputError(
      `key ${JSON.stringify(key)} is refused: other keys continue it with '/', and the local store keeps keys as paths`,
    );
  }
}
