import { MemoKey, type AppIndex } from '../../engine/app-index';
import type { StackInfo } from '../../engine/template-resource';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { attributedImports, describeImport } from './cross-stack-imports';

export default defineRule(
  __filename,
  {
    id: 'BIS-DI2',
    title: 'The data platform never depends on an application',
    rationale:
      'A platform stack that imports an application export or depends on an application stack cannot be deployed, updated or kept when that application is changed or retired: the application then holds the data hostage, and CloudFormation refuses to delete the export while the lake uses it.',
    fix: "Invert the dependency: the application reads the platform's contract (`DataLakeContract`, SSM contract parameters) and the platform never reads the application. Remove the cross-stack reference from the data-platform construct (the `Fn::ImportValue` of an application export) and any `lakeStack.addStackDependency(appStack)`.",
    level: 'error',
    resourceTypes: ['*'],
    findingsOn: 'stack',
  },
  (resource, index) => {
    if (resource.stack.role !== 'data-platform') return NOT_APPLICABLE;
    const problems: string[] = [];
    for (const imported of attributedImports(resource, index)) {
      if (imported.exportingStack.role === 'application') {
        problems.push(
          `imports ${describeImport(imported)} exported by application stack ${imported.exportingStack.path}`,
        );
      }
    }
    // Stack-level dependencies go on the anchor once; those that an import already explains are not repeated.
    if (resource === index.stackAnchor(resource.stack)) {
      const explained = applicationStacksImported(index, resource.stack);
      for (const dependency of index.dependenciesOf(resource.stack)) {
        if (dependency.role === 'application' && !explained.has(dependency)) {
          problems.push(
            `the data-platform stack ${resource.stack.path} depends on application stack ${dependency.path}`,
          );
        }
      }
    }
    if (problems.length === 0) return COMPLIANT;
    return nonCompliant(
      `The data platform depends on an application: ${problems.join('; ')}. Remove the dependency; applications read the platform's contract, never the reverse.`,
    );
  },
);

/** The memo of `applicationStacksImported`: one per stack and run. */
const APPLICATION_STACKS_IMPORTED = new MemoKey<Set<StackInfo>>('di2-application-stacks-imported');

/** The application stacks that some resource of this platform stack imports from (reported on that resource). */
function applicationStacksImported(index: AppIndex, stack: StackInfo): Set<StackInfo> {
  return index.memo(APPLICATION_STACKS_IMPORTED, stack, () => {
    const stacks = new Set<StackInfo>();
    for (const resource of index.resourcesOf(stack)) {
      // Machinery is never reported, so its imports must surface as a stack dependency instead.
      if (index.isMachinery(resource)) continue;
      for (const imported of attributedImports(resource, index)) {
        if (imported.exportingStack.role === 'application') stacks.add(imported.exportingStack);
      }
    }
    return stacks;
  });
}
