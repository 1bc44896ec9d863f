import { parse } from 'path';
import type { AppIndex } from './engine/app-index';
import type { TemplateResource } from './engine/template-resource';

/** The rule families, one per diktat. */
export const FAMILIES = {
  BA: 'browser access',
  SF: 'serverless first',
  DI: 'data independence',
  TR: 'trust (TaaS)',
  CO: 'cost',
  PO: 'portability',
  AV: 'availability',
} as const;

export type Family = keyof typeof FAMILIES;

/** The family of every org rule (a platform team's own rule, `ACME-1`): it enforces no BIS diktat. */
export const ORG_FAMILY = 'org';

/** A built-in rule's diktat family, or `org` for an org rule. */
export type RuleFamily = Family | typeof ORG_FAMILY;

/** The CTO's words each family enforces, quoted in English: every rule of the family cites them. */
export const DIKTATS: Readonly<Record<Family, string>> = {
  BA: "An application that is not reachable from a browser has no place in the enterprise. If it can't be used from a Chromebook, it is forbidden.",
  SF: 'Favour serverless development on public clouds; true multitenant SaaS, never manage updates.',
  DI: 'Take back control of your data in data spaces independent of all applications.',
  TR: 'Encrypt with a key owned by the enterprise; security above private data centres.',
  CO: 'About 10 € per user per month; infrastructure is a cost centre.',
  PO: 'Two providers among the three leaders; independence keeps the flexibility to adopt new infrastructure.',
  AV: 'Availability above 99.99 %; invisible infrastructure.',
};

/** How a finding is reported. Only `error` fails synth (and `warning` with `failOn: 'warning'`). */
export type Level = 'error' | 'warning' | 'info';
export const LEVELS: readonly Level[] = ['error', 'warning', 'info'];

/** The outcome of one rule on one resource. A rule returns one; it never throws. */
export type Verdict =
  | { readonly kind: 'compliant' }
  | { readonly kind: 'not-applicable' }
  | {
      readonly kind: 'non-compliant';
      /** What is wrong with this resource, in words that name the property and the value. */
      readonly message: string;
      /** Overrides the rule's default level for this finding (e.g. error only in a data-platform stack). */
      readonly level?: Level;
      /** For always-on resources: the estimated monthly cost in USD, summed by reports. */
      readonly monthlyCostUsd?: number;
    };

export const COMPLIANT: Verdict = { kind: 'compliant' };
export const NOT_APPLICABLE: Verdict = { kind: 'not-applicable' };
export function nonCompliant(
  message: string,
  level?: Level,
  details: { monthlyCostUsd?: number } = {},
): Verdict {
  return {
    kind: 'non-compliant',
    message,
    ...(level ? { level } : {}),
    ...(details.monthlyCostUsd !== undefined ? { monthlyCostUsd: details.monthlyCostUsd } : {}),
  };
}

/** What a rule file declares beside its check: the single source for the pack and docs/RULES.md. */
export interface RuleMetadata {
  /**
   * `BIS-<FAMILY><n>` for a built-in rule; an org rule's own prefix (`ACME-1`, `ACME-S3-2`), never
   * `BIS-`. Stable forever: acknowledgements and CI baselines depend on it.
   */
  readonly id: string;
  /** One line, phrased as the expectation ("Buckets are versioned"). */
  readonly title: string;
  /** Why breaking the rule matters. */
  readonly rationale: string;
  /** How to fix a finding, concretely, for every type the rule handles (docs/RULES.md prints it). */
  readonly fix: string;
  /**
   * The fix for one resource type, when `fix` covers several: a finding prints only its own type's.
   *
   * @default - every finding prints `fix`
   */
  readonly fixes?: Readonly<Record<string, string>>;
  readonly level: Level;
  /** CloudFormation types (SAM types included) the rule is dispatched to. */
  readonly resourceTypes: readonly string[];
  /**
   * What a finding is about: the resource checked, or its whole stack (a stack-level rule asks one
   * resource, its stack's anchor, and reports on the stack construct or the scanned template).
   *
   * @default 'resource'
   */
  readonly findingsOn?: 'resource' | 'stack';
  /**
   * Org rules only: the organisation's own policy the rule enforces, quoted. A built-in rule
   * inherits its family's diktat (`DIKTATS`) and leaves this out.
   *
   * @default - an org rule cites no policy
   */
  readonly diktat?: string;
  /**
   * Org rules only: a link to the rule's documentation, which reports print. Built-in rules are
   * documented in docs/RULES.md and leave this out.
   *
   * @default - an org rule has no documentation link
   */
  readonly documentation?: string;
}

/** A check of the pack itself (BIS-ACK): reported like a rule's findings, but enforcing no diktat. */
export interface PackCheck extends Omit<BisRule, 'family' | 'check'> {
  readonly family: 'pack';
}

export type RuleCheck = (resource: TemplateResource, index: AppIndex) => Verdict;

export interface BisRule extends RuleMetadata {
  /** The rule file's name, e.g. `NoPublicIngress`. */
  readonly name: string;
  readonly family: RuleFamily;
  /** The family's diktat (`DIKTATS`), the CTO's words the rule enforces; an org rule's own policy, or ''. */
  readonly diktat: string;
  readonly check: RuleCheck;
}

const RULE_ID = /^BIS-(BA|SF|DI|TR|CO|PO|AV)([1-9][0-9]*)$/;

/** An org rule's ID: its organisation's prefix, a hyphen, then letters, digits and hyphens (`ACME-S3-2`). */
export const ORG_RULE_ID = /^[A-Z][A-Z0-9]*-[A-Z0-9-]+$/;

/** True for the ID of a rule cdk-bis ships (`BIS-SF1`), false for an org rule's. */
export function isBuiltInRuleId(id: string): boolean {
  return id.startsWith('BIS-');
}

/**
 * Declare a rule. Call it as `export default defineRule(__filename, {...}, check)` so that the
 * rule's name is its file name, as in cdk-nag. The file may live anywhere: an org rule's name is
 * its file name too, and its family is `org`.
 */
export function defineRule(file: string, metadata: RuleMetadata, check: RuleCheck): BisRule {
  const name = parse(file).name;
  if (typeof metadata?.id !== 'string') {
    throw new Error(`Rule ${name}: metadata.id is missing; give an ID such as ACME-1.`);
  }
  if (!Array.isArray(metadata.resourceTypes) || metadata.resourceTypes.length === 0) {
    throw new Error(`Rule ${metadata.id}: resourceTypes is empty, so it would never run.`);
  }
  if (typeof check !== 'function') {
    throw new Error(
      `Rule ${metadata.id}: the check is not a function (defineRule(__filename, metadata, check)).`,
    );
  }
  if (!isBuiltInRuleId(metadata.id)) {
    if (!ORG_RULE_ID.test(metadata.id)) throw new Error(orgRuleIdProblem(metadata.id));
    return { ...metadata, name, family: ORG_FAMILY, diktat: metadata.diktat ?? '', check };
  }
  const match = RULE_ID.exec(metadata.id);
  if (!match) {
    throw new Error(`Rule ${name}: id "${metadata.id}" does not match BIS-<FAMILY><n>.`);
  }
  if (metadata.diktat !== undefined || metadata.documentation !== undefined) {
    throw new Error(
      `Rule ${metadata.id}: diktat and documentation are for org rules; BIS rules take their family's.`,
    );
  }
  const family = match[1] as Family;
  return { ...metadata, name, family, diktat: DIKTATS[family], check };
}

/** What is wrong with an org rule ID, in one sentence naming it. */
export function orgRuleIdProblem(id: string): string {
  return (
    `Rule ID ${JSON.stringify(id)} is not a valid org rule ID: use your organisation's prefix, a hyphen and ` +
    'capital letters, digits or hyphens ([A-Z][A-Z0-9]*-[A-Z0-9-]+, e.g. ACME-1 or ACME-S3-2); BIS- is reserved for cdk-bis rules.'
  );
}
