// `npm run package:gcp [-- --out DIR]`: the portable functions as a self-contained Cloud Functions (2nd gen) folder.
import { build, formatMessages, type Message } from 'esbuild';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'fs';
import { isBuiltin } from 'module';
import { basename, dirname, join, relative, resolve } from 'path';
import { CATALOGUE, storesOf, type CataloguedFunction } from '../functions/catalogue';
import { bucketVariable, STORE_NAME_PATTERN } from '../functions/runtime/stores';

const REPO = join(__dirname, '..');
const FRAMEWORK = '@google-cloud/functions-framework';
const PACKAGE_NAME = 'cdk-bis-functions';
const USAGE = 'usage: npm run package:gcp -- [--out DIR] (default DIR: dist/gcp)';
// Cloud Functions (2nd gen) names: a lower-case letter first, then letters, digits and hyphens, 63 at most.
const FUNCTION_NAME = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A bad argument or catalogue entry: reported in one line, exit status 2. */
export class PackagingInputError extends Error {
  public override readonly name = 'PackagingInputError';
}

export interface PackageGcpOptions {
  /** The folder to write; replaced as a whole. @default 'dist/gcp' under the repository */
  readonly outDir?: string;
}

export function parseArguments(args: readonly string[]): PackageGcpOptions & { readonly help: boolean } {
  let outDir: string | undefined;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg === '--out' ? args[++i] : arg.slice('--out='.length);
      if (value === undefined || value === '' || value.startsWith('--')) {
        throw new PackagingInputError(`--out needs a folder, e.g. --out dist/gcp; ${USAGE}`);
      }
      outDir = value;
    } else throw new PackagingInputError(`unknown argument '${arg}'; ${USAGE}`);
  }
  return { outDir, help };
}

/** The environment variable that holds the bucket of a store on GCS. */

export function checkCatalogue(catalogue: readonly CataloguedFunction[]): void {
  if (catalogue.length === 0) throw new PackagingInputError('functions/catalogue.ts lists no function');
  const seen = new Set<string>();
  for (const fn of catalogue) {
    const where = `functions/catalogue.ts, function '${fn.name}'`;
    if (!FUNCTION_NAME.test(fn.name)) {
      throw new PackagingInputError(
        `${where}: the name must be a lower-case letter, then lower-case letters, digits or hyphens (63 at most), not ending with a hyphen`,
      );
    }
    if (seen.has(fn.name))
      throw new PackagingInputError(`${where}: the name is listed twice; names are unique`);
    seen.add(fn.name);
    for (const [variable, value] of gcpEnvironmentOf(fn)) {
      // The value lands in a double-quoted gcloud list: no quoting, expansion or list delimiters.
      if (
        !/^[A-Z][A-Z0-9_]*$/.test(variable) ||
        variable.startsWith('BIS_') ||
        !/^[^"$`\\,;^]*$/.test(value)
      ) {
        throw new PackagingInputError(
          `${where}: gcpEnvironment ${JSON.stringify(variable)} must be an upper-case variable name not starting with BIS_ (stores are set by \`stores\`), with a value free of " $ \` \\ , ; and ^`,
        );
      }
    }
    for (const store of storesOf(fn)) {
      if (!STORE_NAME_PATTERN.test(store)) {
        throw new PackagingInputError(
          `${where}: store '${store}' must be a lower-case letter, then lower-case letters, digits or '_' (it names ${bucketVariable(store)})`,
        );
      }
    }
  }
}

/** A function's own settings on Google Cloud, beside its stores. */
function gcpEnvironmentOf(fn: CataloguedFunction): [string, string][] {
  return Object.entries(fn.trigger === 'http' ? (fn.gcpEnvironment ?? {}) : {});
}

/** What the deployed function's environment holds: GcsObjectStore behind every store. */
function environmentOf(fn: CataloguedFunction): string {
  const stores = storesOf(fn);
  const variables = [
    'BIS_STORE_PROVIDER=gcs',
    ...(stores.length > 0 ? [`BIS_STORES=${stores.join(',')}`] : []),
    ...stores.map((store) => `${bucketVariable(store)}=\${${bucketVariable(store)}}`),
    ...gcpEnvironmentOf(fn).map(([variable, value]) => `${variable}=${value}`),
  ];
  // BIS_STORES holds commas, so the list takes another delimiter (`gcloud topic escaping`).
  return stores.length > 1 ? `^;^${variables.join(';')}` : variables.join(',');
}

function deployCommand(fn: CataloguedFunction): string {
  const trigger =
    fn.trigger === 'http'
      ? ['--trigger-http "$access"']
      : [
          '--trigger-event-filters="type=google.cloud.storage.object.v1.finalized"',
          `--trigger-event-filters="bucket=\${${bucketVariable(fn.store)}}"`,
        ];
  return [
    `gcloud functions deploy ${fn.name} --gen2 --runtime=nodejs22 --entry-point=${fn.name} --source=.`,
    '--region="$REGION" ${PROJECT:+"--project=$PROJECT"}',
    ...trigger,
    `--set-env-vars="${environmentOf(fn)}"`,
  ].join(' \\\n        ');
}

export function renderDeployScript(catalogue: readonly CataloguedFunction[]): string {
  checkCatalogue(catalogue);
  const names = catalogue.map((fn) => fn.name);
  const variables = [...new Set(catalogue.flatMap((fn) => storesOf(fn).map(bucketVariable)))];
  const checks = catalogue.map((fn) => {
    const buckets = storesOf(fn).map((store) => `require_bucket ${bucketVariable(store)} ${store}`);
    return `    ${fn.name})${buckets.length > 0 ? `\n      ${buckets.join('\n      ')}\n      ;;` : ' ;;'}`;
  });
  const deploys = catalogue.map((fn) => `    ${fn.name})\n      ${deployCommand(fn)}\n      ;;`);
  const listing = catalogue
    .map(
      (fn) => `#   ${fn.name} (${fn.trigger === 'http' ? 'HTTP' : `objects landing in store '${fn.store}'`})`,
    )
    .join('\n');
  return `#!/usr/bin/env bash
# Generated by \`npm run package:gcp\` from functions/catalogue.ts: regenerate it rather than edit it.
# Deploys this folder's functions to Cloud Functions (2nd gen, Node.js 22), GcsObjectStore behind every store:
#   REGION=europe-west1 [PROJECT=my-project]${variables.map((v) => ` ${v}=...`).join('')} bash deploy.sh [FUNCTION...]
# With no FUNCTION, all of them:
${listing}
# HTTP functions only let IAM-authorized callers in, unless ALLOW_UNAUTHENTICATED=true.
set -euo pipefail
cd "$(dirname "\${BASH_SOURCE[0]}")"

fail() {
  echo "deploy.sh: $*" >&2
  exit 2
}
require_bucket() {
  [ -n "\${!1:-}" ] || fail "$1 is not set: the GCS bucket of store '$2', e.g. $1=my-$2-bucket"
  [[ "\${!1}" =~ ^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$ ]] ||
    fail "$1='\${!1}' is not a GCS bucket name (lower-case letters, digits, '-', '_' and '.')"
}

functions=(${names.join(' ')})
if [ "$#" -gt 0 ]; then selected=("$@"); else selected=("\${functions[@]}"); fi

known() {
  local candidate
  for candidate in "\${functions[@]}"; do [ "$candidate" != "$1" ] || return 0; done
  fail "unknown function '$1': this package holds \${functions[*]}"
}

check_buckets() {
  case "$1" in
${checks.join('\n')}
  esac
}

deploy() {
  case "$1" in
${deploys.join('\n')}
  esac
}

# Every check before the first deploy: a missing setting never leaves half the functions deployed.
for name in "\${selected[@]}"; do known "$name"; done
[ -n "\${REGION:-}" ] || fail "REGION is not set: the Cloud Functions region, e.g. REGION=europe-west1"
case "\${ALLOW_UNAUTHENTICATED:-false}" in
  true) access=--allow-unauthenticated ;;
  false) access=--no-allow-unauthenticated ;;
  *) fail "ALLOW_UNAUTHENTICATED='\${ALLOW_UNAUTHENTICATED}' must be true or false" ;;
esac
for name in "\${selected[@]}"; do check_buckets "$name"; done
for name in "\${selected[@]}"; do
  echo "deploy.sh: deploying $name to $REGION"
  deploy "$name"
done
`;
}

function renderPackageJson(): string {
  const repo = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const manifest = {
    name: PACKAGE_NAME,
    version: repo.version,
    private: true,
    description:
      'cdk-bis portable functions for Cloud Functions (2nd gen), generated by `npm run package:gcp`',
    main: 'index.js',
    engines: { node: '22.x' },
    // The bundle holds everything else; functions-framework stays outside because the platform's
    // invoker must share the registry that index.js registers the functions in.
    dependencies: { [FRAMEWORK]: repo.dependencies[FRAMEWORK] },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function renderReadme(catalogue: readonly CataloguedFunction[]): string {
  return `# ${PACKAGE_NAME}: cdk-bis functions for Cloud Functions (2nd gen)

Generated by \`npm run package:gcp\` in cdk-bis; regenerate it rather than edit it.

- \`index.js\`: every function (${catalogue.map((fn) => fn.name).join(', ')}), bundled, registered with functions-framework.
- \`deploy.sh\`: one \`gcloud functions deploy\` per function; \`REGION=... bash deploy.sh\` (it names what else it needs).
- Run one locally: \`npm install && npx functions-framework --target=${catalogue[0].name}\`.
`;
}

/** Packages that bundled code requires only inside a try/catch, doing without them when they are absent. */
export const OPTIONAL_PACKAGES: Readonly<Record<string, string>> = {
  encoding: "node-fetch's charset converter (via @google-cloud/storage's gaxios)",
};

/**
 * The AWS SDK, which only S3 stores load, on first use: a Cloud Function uses GCS stores, so the
 * bundle leaves it out (most of its size), and an S3 store configured there anyway says so.
 */
export const LEFT_OUT_AWS_SDK = ['@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner'] as const;

/** Where the bundle leaves a package outside: the framework, which package.json lists, and the AWS SDK. */
function checkExternals(imports: readonly string[]): void {
  const leftOut: readonly string[] = LEFT_OUT_AWS_SDK;
  const unexpected = [...new Set(imports)].filter(
    (path) =>
      path !== FRAMEWORK && !isBuiltin(path) && !(path in OPTIONAL_PACKAGES) && !leftOut.includes(path),
  );
  if (unexpected.length > 0) {
    throw new Error(`the bundle left ${unexpected.join(', ')} outside; bundle it or list it in package.json`);
  }
}

/** An existing --out folder is replaced only when it is empty or a previous output of this script. */
function checkReplaceable(outDir: string): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory())
    throw new PackagingInputError(`--out ${outDir} is a file; give a folder`);
  const manifest = join(outDir, 'package.json');
  const previous =
    existsSync(manifest) &&
    existsSync(join(outDir, 'deploy.sh')) &&
    JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME;
  const empty = !previous && readdirSync(outDir).length === 0;
  if (!previous && !empty) {
    throw new PackagingInputError(
      `--out ${outDir} holds other files; give a new or empty folder, or a previous package:gcp output`,
    );
  }
}

/** Writes the folder next to its destination, then swaps it in: a failed run leaves the old one whole. */
export async function packageGcp(
  options: PackageGcpOptions = {},
): Promise<{ outDir: string; bytes: number }> {
  const outDir = resolve(options.outDir ?? join(REPO, 'dist', 'gcp'));
  checkCatalogue(CATALOGUE);
  checkReplaceable(outDir);
  mkdirSync(dirname(outDir), { recursive: true });
  const staging = mkdtempSync(join(dirname(outDir), `.${basename(outDir)}-`));
  try {
    chmodSync(staging, 0o755);
    const result = await build({
      absWorkingDir: REPO,
      entryPoints: [join(REPO, 'functions', 'gcp.ts')],
      outfile: join(staging, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      external: [FRAMEWORK, ...LEFT_OUT_AWS_SDK],
      banner: { js: '// Generated by `npm run package:gcp` from functions/gcp.ts in cdk-bis.' },
      metafile: true,
      logLevel: 'silent',
    });
    await printWarnings(result.warnings);
    checkExternals(
      Object.values(result.metafile.inputs).flatMap((input) =>
        input.imports.filter((i) => i.external).map((i) => i.path),
      ),
    );
    writeFileSync(join(staging, 'package.json'), renderPackageJson());
    writeFileSync(join(staging, 'deploy.sh'), renderDeployScript(CATALOGUE));
    chmodSync(join(staging, 'deploy.sh'), 0o755);
    writeFileSync(join(staging, '.gcloudignore'), '.gcloudignore\nnode_modules/\n');
    writeFileSync(join(staging, 'README.md'), renderReadme(CATALOGUE));
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return { outDir, bytes: statSync(join(outDir, 'index.js')).size };
}

async function printWarnings(warnings: Message[]): Promise<void> {
  if (warnings.length === 0) return;
  const formatted = await formatMessages(warnings, { kind: 'warning', color: false });
  process.stderr.write(formatted.join(''));
}

async function main(): Promise<number> {
  try {
    const { outDir, help } = parseArguments(process.argv.slice(2));
    if (help) {
      console.log(USAGE);
      return 0;
    }
    const written = await packageGcp({ outDir });
    const relativeOut = relative(process.cwd(), written.outDir);
    const where = relativeOut.startsWith('..') || relativeOut === '' ? written.outDir : relativeOut;
    console.log(
      `package:gcp: ${where}/ holds index.js (${Math.round(written.bytes / 1024)} KiB), package.json, deploy.sh ` +
        `for ${CATALOGUE.map((fn) => fn.name).join(', ')}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof PackagingInputError) {
      console.error(`package:gcp: ${error.message}`);
      return 2;
    }
    // esbuild has already formatted what it could not bundle; add the one line that says which step failed.
    const failure = error as { errors?: Message[]; message?: string };
    if (failure.errors !== undefined && failure.errors.length > 0) {
      process.stderr.write((await formatMessages(failure.errors, { kind: 'error', color: false })).join(''));
      console.error('package:gcp: esbuild could not bundle functions/gcp.ts (above)');
    } else console.error(`package:gcp: ${failure.message ?? String(error)}`);
    return 1;
  }
}

if (require.main === module) void main().then((status) => (process.exitCode = status));
