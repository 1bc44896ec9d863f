import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createHandlerContext, createLogger, LocalObjectStore } from '../../../functions/runtime';

/** The folders this test file made; removed once its tests are over, so runs leave nothing in /tmp. */
const made: string[] = [];
// Imported at a test file's top level, so the hook belongs to the whole file.
afterAll(() => {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** The three lake zones as local stores in a fresh folder, and a quiet handler context that holds them. */
export function localZones(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  made.push(root);
  const stores = {
    landing: new LocalObjectStore(join(root, 'landing')),
    raw: new LocalObjectStore(join(root, 'raw')),
    curated: new LocalObjectStore(join(root, 'curated')),
  };
  const ctx = createHandlerContext({ stores, log: createLogger({ write: () => undefined }) });
  return { root, stores, ctx };
}
