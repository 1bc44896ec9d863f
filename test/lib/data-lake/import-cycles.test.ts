/*
 * lib/ has no import cycle: a room's files import one another one way (crawler.ts depends on an
 * interface of its lake, not on data-lake.ts), and lib/ imports policies/ only for its marks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const LIB = join(ROOT, 'lib');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The repository files a source imports (type-only imports included: they are design arrows too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/g)].map(
    (match) => match[1],
  );
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const base = resolve(dirname(file), specifier);
      const candidates = [`${base}.ts`, join(base, 'index.ts')];
      const found = candidates.find((candidate) => {
        try {
          readFileSync(candidate);
          return true;
        } catch {
          return false;
        }
      });
      if (!found)
        throw new Error(`${relative(ROOT, file)} imports ${specifier}, which resolves to no .ts file`);
      return found;
    });
}

/** Every cycle found by a depth-first walk, each as the list of files around it. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles.map((cycle) => cycle.map((file) => relative(ROOT, file)));
}

const graph = new Map(sourcesUnder(LIB).map((file) => [file, importsOf(file)]));

test('lib/ has no import cycle', () => {
  expect(graph.size).toBeGreaterThan(10);
  expect(cyclesOf(graph)).toEqual([]);
});

test('the cycle finder finds a cycle when there is one', () => {
  const looped = new Map([
    ['/a.ts', ['/b.ts']],
    ['/b.ts', ['/c.ts']],
    ['/c.ts', ['/a.ts']],
  ]);
  expect(cyclesOf(looped).map((cycle) => cycle.map((file) => file.split('/').pop()))).toEqual([
    ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
  ]);
});

test('the crawler does not import the DataLake it crawls', () => {
  const crawlerImports = graph.get(join(LIB, 'data-lake/crawler.ts')) ?? [];
  expect(crawlerImports.length).toBeGreaterThan(0);
  expect(crawlerImports.map((file) => relative(LIB, file))).not.toContain('data-lake/data-lake.ts');
});

test('lib/ imports nothing of policies/ but its marks', () => {
  const outside = [...graph.values()]
    .flat()
    .map((file) => relative(ROOT, file))
    .filter((file) => !file.startsWith('lib/'));
  expect(outside.length).toBeGreaterThan(0);
  expect([...new Set(outside)]).toEqual(['policies/marks.ts']);
});
