// `npm start`: compiles scripts/start.ts with the local esbuild (well under a second), then runs it in this
// process. Plain JavaScript, because the TypeScript loader alone holds about 80 MB: the dev server's
// memory is then the server's own (BENCHMARKS.md, bench:ingest). Packages stay in node_modules.
'use strict';
const { buildSync } = require('esbuild');
const { mkdirSync, renameSync, writeFileSync } = require('fs');
const { dirname, join } = require('path');

const repo = join(__dirname, '..');
const outfile = join(repo, 'node_modules', '.cache', 'cdk-bis', 'start', 'start.js');
try {
  const [bundle] = buildSync({
    absWorkingDir: repo,
    entryPoints: [join(__dirname, 'start.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
    write: false,
  }).outputFiles;
  // Written aside, then renamed: several `npm start`s (tests run them in parallel) share this file, and
  // none may require another's half-written one.
  mkdirSync(dirname(outfile), { recursive: true });
  const partial = `${outfile}.${process.pid}.tmp`;
  writeFileSync(partial, bundle.contents);
  renameSync(partial, outfile);
} catch (error) {
  if (error.errors === undefined) throw error; // not a compile error: a real failure, shown whole
  // esbuild has printed the compile errors with their file and line.
  process.stderr.write('npm start: scripts/start.ts did not compile (see above)\n');
  process.exit(2);
}
let start;
try {
  start = require(outfile);
} catch (error) {
  // A setting the services read as they load (INGEST_INLINE_LIMIT_BYTES...): one line naming it, exit 2.
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(2);
}
start.runFromCommandLine();
