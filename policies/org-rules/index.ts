// The door of org-rule handling: checking the rules given to BisChecks, loading a rules module.
export { checkedOrgRules } from './org-rule-list';
export { loadRulesModule, RulesModuleError } from './rules-module';
