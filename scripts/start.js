// `npm start`: compiles scripts/start.ts with the local esbuild (well under a second), then runs it in this
// process. Plain JavaScript, because the TypeScript loader alone holds about 80 MB: the dev server's
// memory is then the server's own (BENCHMARKS.md, bench:ingest). Packages stay in node_modules.
'use strict';
const { buildSync } = require('esbuild');
const { join } = require('path');

const repo = join(__dirname, '..');
const outfile = join(repo, 'node_modules', '.cache', 'cdk-bis', 'start', 'start.js');
try {
  buildSync({
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
  });
} catch {
  // esbuild has printed the compile errors with their file and line.
  process.stderr.write('npm start: scripts/start.ts did not compile (see above)\n');
  process.exit(2);
}
require(outfile).runFromCommandLine();
