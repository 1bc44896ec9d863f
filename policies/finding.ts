import type { IConstruct } from 'constructs';
import type { TemplateResource } from './engine/template-resource';
import type { BisRule, Level, PackCheck } from './rule';

/**
 * The resource a finding is about: where it is, not its properties, so that a run's findings do not
 * keep every parsed template alive.
 */
export type FoundResource = Pick<TemplateResource, 'logicalId' | 'type' | 'path' | 'stack' | 'metadata'> & {
  /** The L1 construct, or for a stack-level finding the stack construct (acknowledgements live on it). */
  readonly construct?: IConstruct;
  /**
   * Set when the finding is about a whole stack (no entry point, a forbidden dependency): `path` is
   * then the stack's construct path (CDK) or the template file (scan), not one of its resources.
   */
  readonly stackLevel?: true;
};

/** One rule's verdict on one resource, with everything a report needs. */
export interface BisFinding {
  /** The rule, or the pack's own check (acknowledgements). */
  readonly rule: BisRule | PackCheck;
  readonly level: Level;
  readonly message: string;
  readonly resource: FoundResource;
  /** Set when the finding is acknowledged with `Validations.of(c).acknowledge({ id: 'BIS::<id>', reason })`. */
  readonly acknowledgedReason?: string;
  /** For always-on resources: the estimated monthly cost in USD (CO rules). */
  readonly monthlyCostUsd?: number;
  /** Set when the pack's baseline holds the finding: reported, never failing. */
  readonly baselined?: true;
}
