import { BIS_ROLE_TAG, BIS_ROLES, DEFAULT_BIS_ROLE, isBisRoleName, type BisRoleName } from '../../lib/roles';
import { isObject, tagValue, type TemplateObject } from '../engine/template-values';
import { ScanInputError } from './scan-input-error';
import type { LoadedTemplate } from './template-loader';

/*
 * The BIS role of a scanned template: at synth `BisRole` gives it; a template declares it in its
 * Metadata or its resources' tags.
 */

/**
 * The BIS role a template declares: its top-level `Metadata['bis:role']` (what `BisRole.set`
 * writes), else the `bis:role` tag its resources carry (the same value on all of them), else
 * undefined. Throws a `ScanInputError` for a value that is not a role, or resources that disagree.
 */
export function declaredRole(loaded: LoadedTemplate): BisRoleName | undefined {
  const { template, file } = loaded;
  const valid = `use one of ${BIS_ROLES.join(', ')}`;
  if (isObject(template.Metadata) && template.Metadata[BIS_ROLE_TAG] !== undefined) {
    const role = template.Metadata[BIS_ROLE_TAG];
    if (isBisRoleName(role)) return role;
    throw new ScanInputError(
      file,
      `Metadata ${BIS_ROLE_TAG} is ${JSON.stringify(role)}, not a BIS role; ${valid}`,
      loaded.sectionLines.get('Metadata')?.keys.get(BIS_ROLE_TAG),
    );
  }
  const tagged = new Map<BisRoleName, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources as TemplateObject)) {
    const properties = isObject(resource) && isObject(resource.Properties) ? resource.Properties : {};
    const role = tagValue(properties.Tags, BIS_ROLE_TAG);
    // A tag computed at deploy time (a Ref to a parameter) names no role here.
    if (typeof role !== 'string') continue;
    if (!isBisRoleName(role)) {
      throw new ScanInputError(
        file,
        `resource ${logicalId} has the tag ${BIS_ROLE_TAG}=${JSON.stringify(role)}, not a BIS role; ${valid}`,
        loaded.resourceLines.get(logicalId),
      );
    }
    if (!tagged.has(role)) tagged.set(role, logicalId);
  }
  if (tagged.size > 1) {
    const claims = [...tagged].map(([role, logicalId]) => `${logicalId} says ${role}`).join(', ');
    throw new ScanInputError(
      file,
      `resources disagree on the ${BIS_ROLE_TAG} tag (${claims}); declare the template's role once in its Metadata (${BIS_ROLE_TAG}: <role>) or pass --role`,
    );
  }
  return tagged.keys().next().value;
}

/** The role a scan gives a template: the `--role` option, else what the template declares, else the default. */
export function templateRole(loaded: LoadedTemplate, override?: BisRoleName): BisRoleName {
  return override ?? declaredRole(loaded) ?? DEFAULT_BIS_ROLE;
}
