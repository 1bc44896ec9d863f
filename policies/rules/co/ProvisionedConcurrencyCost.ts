import { COMPLIANT, defineRule, nonCompliant } from '../../rule';
import type { TemplateResource } from '../../engine/template-resource';
import {
  isIntrinsic,
  literalNumber,
  possibleValues,
  stringList,
  valueAt,
} from '../../engine/template-values';
import { ALWAYS_ON_PRICES, alwaysOnCost, monthlyUsd } from './prices';

/** Lambda's default MemorySize, in MB. */
const DEFAULT_MEMORY_MB = 128;

export default defineRule(
  __filename,
  {
    id: 'BIS-CO5',
    title: 'Provisioned concurrency is counted',
    rationale:
      'Provisioned concurrency keeps execution environments warm and bills every GB of them every second, invoked or not: it turns a pay-per-use function into an always-on one, and the free tier does not apply.',
    fix: 'Remove provisioned concurrency (`provisionedConcurrentExecutions` on lambda.Alias / lambda.Version, ProvisionedConcurrencyConfig on AWS::Lambda::Alias, AWS::Lambda::Version or AWS::Serverless::Function), or scale it on a schedule with Application Auto Scaling for busy hours only; shorten cold starts with SnapStart, arm64 and smaller bundles instead.',
    level: 'warning',
    resourceTypes: ['AWS::Lambda::Alias', 'AWS::Lambda::Version', 'AWS::Serverless::Function'],
  },
  (resource, index) => {
    const configs = possibleValues(resource.properties.ProvisionedConcurrencyConfig);
    const options = configs.flatMap((config) =>
      isIntrinsic(config) ? [config] : possibleValues(valueAt(config, 'ProvisionedConcurrentExecutions')),
    );
    if (options.length === 0) return COMPLIANT;
    const counts = options.map(literalNumber);
    const fn =
      resource.type === 'AWS::Serverless::Function'
        ? resource
        : index.referencedResource(resource, resource.properties.FunctionName);
    const memory = memoryOf(fn);
    const arm64 = fn !== undefined && stringList(fn.properties.Architectures).literals.includes('arm64');
    const price = arm64
      ? ALWAYS_ON_PRICES.provisionedConcurrencyArm64
      : ALWAYS_ON_PRICES.provisionedConcurrencyX86;
    const sizing = `${memory.megabytes} MB${memory.note} on ${arm64 ? 'arm64' : 'x86_64'}`;
    if (counts.some((count) => count === undefined)) {
      // A computed count still means the author asked for provisioned concurrency: price one execution.
      return nonCompliant(
        `ProvisionedConcurrentExecutions is computed at deploy time; each execution at ${sizing} costs ${alwaysOnCost(price, memory.megabytes / 1024)}.`,
        undefined,
        { monthlyCostUsd: monthlyUsd(price, memory.megabytes / 1024) },
      );
    }
    const executions = Math.max(...(counts as number[]));
    if (executions <= 0) return COMPLIANT;
    const shown = counts.length > 1 ? `up to ${executions} (Fn::If)` : `${executions}`;
    return nonCompliant(
      `ProvisionedConcurrentExecutions ${shown} at ${sizing} costs ${alwaysOnCost(price, (executions * memory.megabytes) / 1024)}, invoked or not.`,
      undefined,
      { monthlyCostUsd: monthlyUsd(price, (executions * memory.megabytes) / 1024) },
    );
  },
);

/** The function's MemorySize, or the default with a note saying why the figure is assumed. */
function memoryOf(fn: TemplateResource | undefined): { megabytes: number; note: string } {
  if (fn === undefined) {
    return { megabytes: DEFAULT_MEMORY_MB, note: ' (assumed: the function is not in this template)' };
  }
  const value = fn.properties.MemorySize;
  if (value === undefined) {
    // SAM Globals can set MemorySize outside the resource, so the default is only an assumption there.
    const note =
      fn.type === 'AWS::Serverless::Function' ? ' (assumed: MemorySize is not set on the function)' : '';
    return { megabytes: DEFAULT_MEMORY_MB, note };
  }
  const megabytes = literalNumber(value);
  if (megabytes === undefined || megabytes <= 0) {
    return { megabytes: DEFAULT_MEMORY_MB, note: ' (assumed: MemorySize is computed at deploy time)' };
  }
  return { megabytes, note: '' };
}
