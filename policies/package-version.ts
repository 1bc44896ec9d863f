import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';

/**
 * cdk-bis's own version, read from its package.json at run time. Walking up from this file works
 * from the sources (policies/) and from the build (dist/policies/) alike, without copying
 * package.json into dist.
 */
export const PACKAGE_VERSION: string = readPackageVersion();

function readPackageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (!existsSync(candidate)) continue;
    try {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'cdk-bis' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // A foreign or broken package.json on the way up is not ours: keep walking.
    }
  }
  return '0.0.0';
}
