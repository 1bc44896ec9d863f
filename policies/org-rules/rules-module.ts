import { existsSync } from 'fs';
import { createRequire } from 'module';
import { resolve } from 'path';
import type { BisRule } from '../rule';
import { checkedOrgRules } from './org-rule-list';

/** A rules module that cannot be used: one line naming the file and what to do. */
export class RulesModuleError extends Error {}

/**
 * The org rules of a module (`cdk-bis scan --rules ./org-rules.js`): CommonJS or ESM, whose default
 * export, `rules` export or `module.exports` is the list of rules.
 */
export function loadRulesModule(file: string, cwd: string = process.cwd()): readonly BisRule[] {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new RulesModuleError(`--rules ${file}: no such file`);
  let loaded: unknown;
  try {
    // require() also loads ESM on Node >= 20.19 (no top-level await), so the CLI stays synchronous.
    loaded = createRequire(path)(path);
  } catch (error) {
    throw new RulesModuleError(`--rules ${file}: the module failed to load: ${firstLine(error)}`);
  }
  const rules = rulesExport(loaded);
  if (rules === undefined) {
    throw new RulesModuleError(
      `--rules ${file}: the module exports no list of rules; write module.exports = [rule, ...], export default [...] or export const rules = [...]`,
    );
  }
  try {
    return checkedOrgRules(rules, `--rules ${file}: rules`);
  } catch (error) {
    throw new RulesModuleError(firstLine(error));
  }
}

/** The list a module exports: itself, its default export, or its `rules` export. */
function rulesExport(loaded: unknown): unknown[] | undefined {
  if (Array.isArray(loaded)) return loaded;
  if (typeof loaded !== 'object' || loaded === null) return undefined;
  const { default: fallback, rules } = loaded as { default?: unknown; rules?: unknown };
  if (Array.isArray(fallback)) return fallback;
  if (Array.isArray(rules)) return rules;
  // A CommonJS module imported as ESM, or `export default { rules }`.
  const nested = (fallback as { rules?: unknown } | undefined)?.rules;
  return Array.isArray(nested) ? nested : undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
