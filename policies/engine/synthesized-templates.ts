import { Stack, Stage } from 'aws-cdk-lib';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { isObject, type TemplateObject } from './template-values';

/**
 * Where BisChecks finds the templates CDK synthesized, so that rules read CDK's own resolved
 * output instead of resolving every resource a second time.
 *
 * - `fresh: true`: CDK is validating right after writing them (the plugin path): always read.
 * - `fresh: false` (validateScope/evaluate): read only if this process synthesized the app, which
 *   the root stage records in its cached assembly; otherwise files on disk may be stale, so return
 *   nothing and let the index render constructs instead.
 */
export function synthesizedTemplates(options: {
  fresh: boolean;
}): (stack: Stack) => TemplateObject | undefined {
  // No cache: each template is read once per run and released after its unit is checked.
  return (stack) => {
    if (!options.fresh && !hasSynthesized(stack)) return undefined;
    const stage = Stage.of(stack);
    if (!stage) return undefined;
    return readTemplate(join(stage.outdir, stack.templateFile));
  };
}

function hasSynthesized(stack: Stack): boolean {
  // `Stage.synth()` caches its assembly in a private field; its presence means the files are this run's.
  return (stack.node.root as unknown as { assembly?: unknown }).assembly !== undefined;
}

function readTemplate(file: string): TemplateObject | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    // An unreadable template leaves the stack to be rendered from its constructs.
    return undefined;
  }
}
