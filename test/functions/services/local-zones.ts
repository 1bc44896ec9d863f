import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createHandlerContext, createLogger, LocalObjectStore } from '../../../functions/runtime';

/** The three lake zones as local stores in a fresh folder, and a quiet handler context that holds them. */
export function localZones(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const stores = {
    landing: new LocalObjectStore(join(root, 'landing')),
    raw: new LocalObjectStore(join(root, 'raw')),
    curated: new LocalObjectStore(join(root, 'curated')),
  };
  const ctx = createHandlerContext({ stores, log: createLogger({ write: () => undefined }) });
  return { root, stores, ctx };
}
