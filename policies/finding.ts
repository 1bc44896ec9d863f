import type { TemplateResource } from './engine/template-resource';
import type { BisRule, Level } from './rule';

/**
 * The resource a finding is about: where it is, not its properties, so that a run's findings do not
 * keep every parsed template alive.
 */
export type FoundResource = Pick<
  TemplateResource,
  'logicalId' | 'type' | 'path' | 'stack' | 'construct' | 'metadata'
>;

/** One rule's verdict on one resource, with everything a report needs. */
export interface BisFinding {
  readonly rule: BisRule;
  readonly level: Level;
  readonly message: string;
  readonly resource: FoundResource;
  /** Set when the finding is acknowledged with `Validations.of(c).acknowledge({ id: 'BIS::<id>', reason })`. */
  readonly acknowledgedReason?: string;
  /** For always-on resources: the estimated monthly cost in USD (CO rules). */
  readonly monthlyCostUsd?: number;
}
