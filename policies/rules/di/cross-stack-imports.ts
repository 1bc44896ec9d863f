import type { AppIndex } from '../../engine/app-index';
import { type StackInfo, type TemplateResource } from '../../engine/template-resource';
import { isIntrinsic, isObject } from '../../engine/template-values';

/** One `Fn::ImportValue` of a resource, traced to the stack that exports it. */
export interface CrossStackImport {
  /** Where the import sits in the properties, e.g. `Environment.Variables.BUCKET_NAME`. */
  readonly property: string;
  readonly exportName: string;
  readonly exportingStack: StackInfo;
}

/**
 * Every `Fn::ImportValue` in the resource's properties whose export the app can attribute to one
 * of its stacks. An import with a computed name, or of an export made outside the app, is left
 * out: nothing proves which stack it points to.
 */
export function attributedImports(resource: TemplateResource, index: AppIndex): CrossStackImport[] {
  // Without exports in the app nothing can be attributed: skip the walk of every property.
  if (!index.hasExports) return [];
  const found: CrossStackImport[] = [];
  const visit = (value: unknown, path: string, insideIntrinsic: boolean): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, insideIntrinsic ? path : `${path}[${i}]`, insideIntrinsic));
      return;
    }
    if (!isObject(value)) return;
    const imported = value['Fn::ImportValue'];
    if (imported !== undefined) {
      const exportingStack = index.exportingStack(imported);
      if (exportingStack && typeof imported === 'string') {
        found.push({ property: path, exportName: imported, exportingStack });
      }
    }
    // The property path stops at the outermost intrinsic: its inner keys are function arguments.
    const inIntrinsic = insideIntrinsic || isIntrinsic(value);
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Fn::ImportValue') continue;
      const innerPath = inIntrinsic ? path : path === '' ? key : `${path}.${key}`;
      visit(inner, innerPath, inIntrinsic);
    }
  };
  visit(resource.properties, '', false);
  return found;
}

/** `'Name' (Property.Path)` for messages. */
export function describeImport(imported: CrossStackImport): string {
  return `'${imported.exportName}' (${imported.property || 'properties'})`;
}
