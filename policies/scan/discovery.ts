import { readdirSync, realpathSync, statSync } from 'fs';
import { basename, join, relative, resolve, sep } from 'path';
import { describeFileSystemError, ScanInputError } from './scan-input-error';

/*
 * Finding the templates a scan reads: the files named on the command line, and the template names
 * in the directories named there.
 */

/** What a directory walk picks up. A file named on the command line is taken whatever its name. */
const TEMPLATE_FILE_NAMES = /(\.template\.json|^template\.ya?ml|\.cfn\.(ya?ml|json))$/;
const TEMPLATE_FILE_PATTERNS =
  '*.template.json, template.yaml, template.yml, *.cfn.yaml, *.cfn.yml, *.cfn.json';

/**
 * Directories a walk does not enter, unless named on the command line: dependencies, VCS and tool
 * state (`.git`, `.aws-sam` holds SAM's build copies of template.yaml), and `cdk.out`, whose
 * templates are CDK's output (checked at synth, reported by `cdk-bis report`) and would otherwise
 * be scanned a second time, possibly stale, in every project root.
 */
function isSkippedDirectory(name: string): boolean {
  return name === 'node_modules' || name === 'cdk.out' || name.startsWith('.');
}

/**
 * The template files under the given paths, sorted and without duplicates. A file is taken as
 * is; a directory is walked for template names. Each path that is missing, unreadable or holds no
 * template gives an error; the other paths are still searched.
 */
export function discoverTemplates(
  paths: readonly string[],
  root: string = process.cwd(),
): { files: string[]; errors: ScanInputError[] } {
  const found = new Map<string, string>();
  const errors: ScanInputError[] = [];
  for (const given of paths) {
    const shown = displayPath(given, root);
    let stats;
    try {
      stats = statSync(given);
    } catch (error) {
      errors.push(new ScanInputError(shown, describeFileSystemError(error, 'no such file or directory')));
      continue;
    }
    if (!stats.isDirectory()) {
      found.set(resolve(given), given);
      continue;
    }
    const inDirectory = new Map<string, string>();
    walkDirectory(given, inDirectory, errors, root, new Set());
    for (const [absolute, path] of inDirectory) if (!found.has(absolute)) found.set(absolute, path);
    if (inDirectory.size === 0 && !errors.some((error) => error.file === shown)) {
      errors.push(
        new ScanInputError(
          shown,
          `no templates found (looked for ${TEMPLATE_FILE_PATTERNS}; node_modules, cdk.out and dot-directories are skipped unless named). Name template files explicitly to scan other names.`,
        ),
      );
    }
  }
  const files = [...found.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, given]) => given);
  return { files, errors };
}

function walkDirectory(
  directory: string,
  found: Map<string, string>,
  errors: ScanInputError[],
  root: string,
  visited: Set<string>,
): void {
  let entries;
  try {
    // A symbolic link back up the tree must not loop forever.
    const real = realpathSync(directory);
    if (visited.has(real)) return;
    visited.add(real);
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    errors.push(
      new ScanInputError(displayPath(directory, root), describeFileSystemError(error, 'cannot read')),
    );
    return;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = statSync(path);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch {
        // A dangling link is no template.
        continue;
      }
    }
    if (isDirectory) {
      if (!isSkippedDirectory(entry.name)) walkDirectory(path, found, errors, root, visited);
    } else if (isFile && TEMPLATE_FILE_NAMES.test(entry.name)) {
      found.set(resolve(path), path);
    }
  }
}

/** A path as reports show it: relative to the root, with forward slashes. */
export function displayPath(path: string, root: string = process.cwd()): string {
  const shown = relative(root, resolve(path)) || basename(resolve(path));
  return sep === '/' ? shown : shown.split(sep).join('/');
}
