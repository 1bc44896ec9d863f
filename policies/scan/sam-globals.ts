import { isIntrinsic, isObject, type TemplateObject, type TemplateValue } from '../engine/template-values';
import type { SectionLines } from '../template-text';
import { describeKind, ScanInputError } from './scan-input-error';
import { setOwn } from './template-object';

/*
 * SAM's Globals section, applied to the resources of a template as the SAM transform would, so
 * that rules read the properties a deployed function or API has.
 */

export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

/** True when the template's Transform (a name, or a list of names and `{ Name }` objects) includes SAM. */
export function hasSamTransform(template: TemplateObject): boolean {
  const transforms = Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  return transforms.some(
    (transform) => transform === SAM_TRANSFORM || (isObject(transform) && transform.Name === SAM_TRANSFORM),
  );
}

/**
 * Apply `Globals` the way the SAM transform does (samtranslator's globals plugin): each section
 * `Globals.<Kind>` goes into every `AWS::Serverless::<Kind>`, except the properties the resource's
 * `IgnoreGlobals` names ('*' for all). The resource wins for scalars and intrinsics, maps merge
 * key by key, lists concatenate (globals first), and a type mismatch keeps the resource's value.
 * The implicit resources SAM would add (ServerlessRestApi, <Function>Role...) are not created:
 * rules read the SAM types themselves.
 */
export function expandSamGlobals(
  template: TemplateObject,
  file: string,
  sections: ReadonlyMap<string, SectionLines>,
  errors: ScanInputError[],
): TemplateObject {
  const globals = template.Globals;
  if (globals === undefined) return template;
  const globalsLine = sections.get('Globals')?.line;
  if (!hasSamTransform(template)) {
    errors.push(
      new ScanInputError(
        file,
        `Globals is read only with Transform: ${SAM_TRANSFORM}; add the transform, or move the properties into the resources`,
        globalsLine,
      ),
    );
    return template;
  }
  if (!isObject(globals)) {
    errors.push(
      new ScanInputError(
        file,
        `Globals is ${describeKind(globals)}; it must map resource kinds (Function, Api...) to properties. Globals are not applied`,
        globalsLine,
      ),
    );
    return template;
  }
  const byType = new Map<string, TemplateObject>();
  for (const [kind, properties] of Object.entries(globals)) {
    if (isObject(properties)) {
      byType.set(`AWS::Serverless::${kind}`, properties);
    } else {
      errors.push(
        new ScanInputError(
          file,
          `Globals.${kind} is ${describeKind(properties)}; it must be a mapping of properties. It is not applied`,
          sections.get('Globals')?.keys.get(kind) ?? globalsLine,
        ),
      );
    }
  }
  const resources: TemplateObject = {};
  for (const [logicalId, resource] of Object.entries(template.Resources as TemplateObject)) {
    const shared =
      isObject(resource) && typeof resource.Type === 'string' ? byType.get(resource.Type) : undefined;
    if (!shared || !isObject(resource)) {
      resources[logicalId] = resource;
      continue;
    }
    const applied = withoutIgnoredGlobals(shared, resource.IgnoreGlobals);
    const own = isObject(resource.Properties) ? resource.Properties : {};
    resources[logicalId] = { ...resource, Properties: mergeGlobal(applied, own) as TemplateObject };
  }
  return { ...template, Resources: resources };
}

function withoutIgnoredGlobals(shared: TemplateObject, ignore: TemplateValue | undefined): TemplateObject {
  if (ignore === '*') return {};
  if (!Array.isArray(ignore)) return shared;
  return Object.fromEntries(Object.entries(shared).filter(([key]) => !ignore.includes(key)));
}

function mergeGlobal(shared: TemplateValue, own: TemplateValue): TemplateValue {
  // An intrinsic resolves to a scalar at deploy time: it is never merged into.
  const kind = (value: TemplateValue): string =>
    Array.isArray(value) ? 'list' : isObject(value) && !isIntrinsic(value) ? 'map' : 'scalar';
  const sharedKind = kind(shared);
  if (sharedKind !== kind(own) || sharedKind === 'scalar') return own;
  if (Array.isArray(shared) && Array.isArray(own)) return [...shared, ...own];
  const merged: TemplateObject = { ...(shared as TemplateObject) };
  for (const [key, value] of Object.entries(own as TemplateObject)) {
    setOwn(
      merged,
      key,
      Object.prototype.hasOwnProperty.call(merged, key) ? mergeGlobal(merged[key], value) : value,
    );
  }
  return merged;
}
