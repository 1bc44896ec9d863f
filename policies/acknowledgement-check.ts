import { relative } from 'path';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { acknowledgementId, BIS_PLUGIN_NAME } from './acknowledgement';
import { stackInfo, type StackInfo } from './engine/template-resource';
import type { BisFinding, FoundResource } from './finding';
import type { PackCheck } from './rule';

/**
 * The pack's own check of the acknowledgements written in an app. Not a diktat rule: it is never
 * dispatched to a resource, only run once over the construct tree after the rules.
 */
export const ACKNOWLEDGEMENT_CHECK: PackCheck = {
  id: 'BIS-ACK',
  name: 'Acknowledgements',
  family: 'pack',
  diktat: '',
  title: 'Acknowledgements name a BIS rule, give a reason and match a finding',
  rationale:
    'An acknowledgement that CDK reads under another namespace, names no rule, gives no reason or matches no finding suppresses nothing, or nothing anyone can review: the finding it was meant for stays open, or the exemption outlives its cause.',
  fix: "Write `Validations.of(construct).acknowledge({ id: 'BIS::<rule id>', reason: '<why>' })` on the construct the finding names or one of its scopes, with a rule ID from docs/RULES.md; delete acknowledgements that no longer match a finding.",
  level: 'warning',
  resourceTypes: ['*'],
};

/** `BIS-PO1`, or `<namespace>::BIS-PO1`: what a user writes meaning a BIS rule. */
const RULE_LIKE_ID = /^(?:([^:]*)::)?(BIS-[A-Za-z]+[0-9]*)$/i;

/**
 * A warning finding for each acknowledgement in the tree that cannot do what its author meant: a
 * BIS rule ID without `BIS::` (CDK files it under `Annotation::`), an unknown rule, an empty
 * reason, or one that matches no finding of this run. Each names where it was written.
 *
 * @param acknowledging the constructs of the checked tree that carry acknowledgements, in tree
 *   order (the index found them in its one walk)
 */
export function acknowledgementFindings(
  acknowledging: readonly IConstruct[],
  findings: readonly BisFinding[],
  knownRuleIds: ReadonlySet<string>,
  stacks: readonly StackInfo[],
): BisFinding[] {
  const problems: BisFinding[] = [];
  for (const construct of acknowledging) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      const written = whereWritten(entry.trace);
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        const message = problemOf(id, reason, construct.node.path, findings, knownRuleIds);
        if (message === undefined) continue;
        problems.push({
          rule: ACKNOWLEDGEMENT_CHECK,
          level: 'warning',
          message: `${message} (acknowledged on ${construct.node.path || 'the app'}${written ? ` at ${written}` : ''})`,
          resource: acknowledgedConstruct(construct, stacks),
        });
      }
    }
  }
  return problems;
}

function problemOf(
  id: string,
  reason: unknown,
  path: string,
  findings: readonly BisFinding[],
  knownRuleIds: ReadonlySet<string>,
): string | undefined {
  const ruleLike = RULE_LIKE_ID.exec(id) ?? orgRuleLike(id, knownRuleIds);
  const namespace = ruleLike?.[1];
  const ruleId = ruleLike?.[2].toUpperCase();
  if (ruleLike === null || ruleId === undefined) return undefined; // another plugin's rule
  if (namespace !== BIS_PLUGIN_NAME) {
    const meant = knownRuleIds.has(ruleId) ? acknowledgementId(ruleId) : `BIS::<rule id>`;
    return `Acknowledgement id '${ruleLike[2]}' is read by CDK as '${id.includes('::') ? id : `Annotation::${id}`}' and suppresses no BIS finding; write id: '${meant}'.`;
  }
  if (!knownRuleIds.has(ruleLike[2])) {
    const hint = knownRuleIds.has(ruleId) ? `did you mean '${acknowledgementId(ruleId)}'? ` : '';
    return `Acknowledgement id '${id}' names no BIS rule; ${hint}the rule IDs are listed in docs/RULES.md.`;
  }
  if (typeof reason !== 'string' || reason.trim() === '') {
    return `Acknowledgement of ${ruleId} has an empty reason; write why the finding is accepted (reason: '...'), so a reviewer can judge it.`;
  }
  const covers = (findingPath: string): boolean =>
    path === '' || findingPath === path || findingPath.startsWith(`${path}/`);
  const used = findings.some((finding) => finding.rule.id === ruleId && covers(finding.resource.path));
  return used
    ? undefined
    : `Acknowledgement of ${ruleId} matches no finding on ${path || 'the app'} or below; delete it, or move it to the construct the finding names.`;
}

/** `ACME-1` or `<namespace>::ACME-1` for an org rule the pack runs, in the shape of a RULE_LIKE_ID match. */
function orgRuleLike(
  id: string,
  knownRuleIds: ReadonlySet<string>,
): [string, string | undefined, string] | null {
  const separator = id.lastIndexOf('::');
  const ruleId = separator >= 0 ? id.slice(separator + 2) : id;
  return knownRuleIds.has(ruleId) ? [id, separator >= 0 ? id.slice(0, separator) : undefined, ruleId] : null;
}

/** The finding's subject: the construct the acknowledgement was written on. */
function acknowledgedConstruct(construct: IConstruct, stacks: readonly StackInfo[]): FoundResource {
  const stackPath = construct.node.scopes.filter((scope) => Stack.isStack(scope)).pop()?.node.path;
  const stack =
    stacks.find((candidate) => candidate.path === stackPath) ??
    stackInfo({ path: construct.node.path, role: 'application', stackName: '' });
  return {
    logicalId: construct.node.id,
    type: CfnResource.isCfnResource(construct) ? construct.cfnResourceType : 'Construct',
    path: construct.node.path,
    stack,
    construct,
    metadata: {},
  };
}

/** The user's line in the trace CDK records with the acknowledgement: `lib/app.ts:12:5`. */
function whereWritten(trace: readonly string[] | undefined): string | undefined {
  for (const line of trace ?? []) {
    const match = /\(?((?:[A-Za-z]:)?[\\/][^()]*?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (match && !/[\\/]node_modules[\\/]/.test(match[1])) {
      return `${relative(process.cwd(), match[1]).split('\\').join('/')}:${match[2]}:${match[3]}`;
    }
  }
  return undefined;
}
