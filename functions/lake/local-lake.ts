import { randomBytes } from 'crypto';
import { join, resolve } from 'path';
import { createHandlerContext, createLogger, LocalObjectStore } from '../runtime';
import type { Logger, ObjectBody, ObjectInfo, ObjectStore, PutOptions, Stores } from '../runtime';
import { objectLanded as curate } from '../curate';
import { catalogEntryKey } from '../curate';
import { parseLandingKey } from '../ingest';

/*
 * The lake on a laptop: the three zones as folders under one directory, and the trigger that clouds
 * give through bucket notifications: every object written to landing is curated right after.
 */

export const ZONES = ['landing', 'raw', 'curated'] as const;

export interface LocalLakeProps {
  /** The folder that holds one sub-folder per zone. */
  readonly lakeDir: string;
  /** Where the dev server answers, for the upload URLs of large files. */
  readonly publicBaseUrl: string;
  /** @default - JSON lines on stdout */
  readonly log?: Logger;
}

/** The landing store, with every committed write followed by curate, as S3 and GCS notify. */
class TriggeringStore implements ObjectStore {
  public readonly description: string;
  constructor(
    private readonly inner: LocalObjectStore,
    private readonly landed: (info: ObjectInfo) => void,
  ) {
    this.description = inner.description;
  }
  get(key: string) {
    return this.inner.get(key);
  }
  head(key: string) {
    return this.inner.head(key);
  }
  list(prefix: string, options?: Parameters<ObjectStore['list']>[1]) {
    return this.inner.list(prefix, options);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  signedUrl(key: string, options: Parameters<ObjectStore['signedUrl']>[1]) {
    return this.inner.signedUrl(key, options);
  }
  async put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo> {
    const info = await this.inner.put(key, body, options);
    this.landed(info);
    return info;
  }
}

export class LocalLake {
  /** The stores handlers see: landing triggers curate; raw and curated are plain folders. */
  public readonly stores: Stores;
  /** The landing folder without the trigger, for writes that must be checked before they count. */
  public readonly landing: LocalObjectStore;
  public readonly lakeDir: string;
  private readonly raw: LocalObjectStore;
  private readonly curated: LocalObjectStore;
  private readonly log: Logger;
  private readonly pending = new Set<Promise<void>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(props: LocalLakeProps) {
    this.lakeDir = resolve(props.lakeDir);
    this.log = props.log ?? createLogger();
    this.landing = new LocalObjectStore(join(this.lakeDir, 'landing'), {
      publicBaseUrl: props.publicBaseUrl,
      signingSecret: randomBytes(32),
    });
    this.raw = new LocalObjectStore(join(this.lakeDir, 'raw'));
    this.curated = new LocalObjectStore(join(this.lakeDir, 'curated'));
    this.stores = {
      landing: new TriggeringStore(this.landing, (info) => this.curateLater(info)),
      raw: this.raw,
      curated: this.curated,
    };
  }

  /** Queues curate for a landed object; one at a time, so a burst of uploads never competes for the CPU. */
  curateLater(info: ObjectInfo): void {
    if (parseLandingKey(info.key) === undefined) return;
    const run = this.queue.then(() => this.curateNow(info));
    this.queue = run;
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  /** Resolves when every queued curation has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Deletes, in every zone, the temporary files and orphan sidecars a killed server left behind. */
  async sweepLeftovers(): Promise<{ files: number; bytes: number }> {
    let files = 0;
    let bytes = 0;
    for (const zone of [this.landing, this.raw, this.curated]) {
      const swept = await zone.sweepLeftovers();
      files += swept.files;
      bytes += swept.bytes;
    }
    if (files > 0) this.log.info('swept leftovers of interrupted writes', { files, bytes });
    return { files, bytes };
  }

  /**
   * At start: sweeps what a crash or a kill left half-written, then curates what landed while no
   * server ran, so the catalog catches up.
   */
  async catchUp(): Promise<number> {
    await this.sweepLeftovers();
    let cursor: string | undefined;
    let queued = 0;
    do {
      const page = await this.landing.list('', { cursor });
      for (const object of page.objects) {
        const parsed = parseLandingKey(object.key);
        if (parsed === undefined) continue;
        if ((await this.stores.curated.head(catalogEntryKey(parsed.dataset, object.key))) !== undefined)
          continue;
        const info = await this.landing.head(object.key);
        if (info === undefined) continue;
        this.curateLater(info);
        queued++;
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
    return queued;
  }

  private async curateNow(info: ObjectInfo): Promise<void> {
    const event = {
      provider: 'local' as const,
      bucket: 'landing',
      key: info.key,
      size: info.size,
      etag: info.etag,
      time: info.lastModified,
      eventId: `${info.key}@${info.etag}`,
    };
    try {
      await curate(
        event,
        createHandlerContext({ stores: this.stores, log: this.log, requestId: event.eventId }),
      );
    } catch (error) {
      this.log.error('curate failed; the object stays in landing and is curated at the next start', {
        key: info.key,
        error,
      });
    }
  }
}
