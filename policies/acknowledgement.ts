import type { TemplateResource } from './engine/template-resource';
import { isObject } from './engine/template-values';

import { acknowledgementId } from './marks';

// The plugin name (CDK derives the acknowledgement namespace from it: `BIS::<rule id>`) and the ID.
export { acknowledgementId, BIS_PLUGIN_NAME } from './marks';

/**
 * How to accept a finding instead of fixing it, in one wording: on a construct of a CDK app, or in
 * a template resource's Metadata (the `cdk_nag.rules_to_suppress` format cdk-nag writes).
 */
export function acknowledgementHint(ruleId: string, where: 'construct' | 'template'): string {
  const how =
    where === 'construct'
      ? `with a reason: Validations.of(construct).acknowledge({ id: '${acknowledgementId(ruleId)}', reason: '...' })`
      : `in the resource's Metadata with a reason: cdk_nag: { rules_to_suppress: [{ id: ${ruleId}, reason: '...' }] }`;
  return `To accept the finding instead, acknowledge it ${how}.`;
}

/**
 * The reason in a template resource's `Metadata.cdk_nag.rules_to_suppress` (`[{ id, reason }]`,
 * the format cdk-nag writes), for `BIS-SF1` or `BIS::BIS-SF1`.
 */
export function templateAcknowledgement(resource: TemplateResource, ruleId: string): string | undefined {
  const nag = resource.metadata.cdk_nag;
  const entries = isObject(nag) && Array.isArray(nag.rules_to_suppress) ? nag.rules_to_suppress : [];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    if (entry.id === ruleId || entry.id === acknowledgementId(ruleId)) {
      return typeof entry.reason === 'string' ? entry.reason : '';
    }
  }
  return undefined;
}
