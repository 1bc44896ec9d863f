export {
  BisChecks,
  BIS_PLUGIN_NAME,
  type BisBudget,
  type BisChecksProps,
  type BisFinding,
  type FoundResource,
} from './bis-checks';
export { ALL_RULES } from './rules';
export {
  DIKTATS,
  FAMILIES,
  type BisRule,
  type Family,
  type Level,
  type RuleMetadata,
  type Verdict,
} from './rule';
export { PORTABLE_FUNCTION_MARK } from './marks';
