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
  /** `BIS-<FAMILY><n>`, stable forever: acknowledgements and CI baselines depend on it. */
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
}

/** A check of the pack itself (BIS-ACK): reported like a rule's findings, but enforcing no diktat. */
export interface PackCheck extends Omit<BisRule, 'family' | 'check'> {
  readonly family: 'pack';
}

export type RuleCheck = (resource: TemplateResource, index: AppIndex) => Verdict;

export interface BisRule extends RuleMetadata {
  /** The rule file's name, e.g. `NoPublicIngress`. */
  readonly name: string;
  readonly family: Family;
  /** The family's diktat (`DIKTATS`), the CTO's words the rule enforces. */
  readonly diktat: string;
  readonly check: RuleCheck;
}

const RULE_ID = /^BIS-(BA|SF|DI|TR|CO|PO|AV)([1-9][0-9]*)$/;

/**
 * Declare a rule. Call it as `export default defineRule(__filename, {...}, check)` so that the
 * rule's name is its file name, as in cdk-nag.
 */
export function defineRule(file: string, metadata: RuleMetadata, check: RuleCheck): BisRule {
  const match = RULE_ID.exec(metadata.id);
  if (!match) {
    throw new Error(`Rule ${parse(file).name}: id "${metadata.id}" does not match BIS-<FAMILY><n>.`);
  }
  if (metadata.resourceTypes.length === 0) {
    throw new Error(`Rule ${metadata.id}: resourceTypes is empty, so it would never run.`);
  }
  const family = match[1] as Family;
  return { ...metadata, name: parse(file).name, family, diktat: DIKTATS[family], check };
}
