// `cdk-bis/rules`: what an org rule author needs, the same pieces the BIS rules are written with.
export {
  COMPLIANT,
  defineRule,
  nonCompliant,
  NOT_APPLICABLE,
  ORG_RULE_ID,
  type BisRule,
  type Level,
  type RuleCheck,
  type RuleMetadata,
  type Verdict,
} from './rule';
export {
  isIntrinsic,
  isObject,
  listAt,
  literalBoolean,
  literalNumber,
  literalString,
  mayBeAbsent,
  possibleValues,
  presenceAt,
  referencedLogicalId,
  referencedLogicalIds,
  stringList,
  tagValue,
  valueAt,
  type TemplateObject,
  type TemplateValue,
} from './engine/template-values';
export { MemoKey, type AppIndex } from './engine/app-index';
export type { StackInfo, TemplateResource } from './engine/template-resource';
