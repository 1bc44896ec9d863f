import {
  isObject,
  mayBeAbsent,
  possibleValues,
  stringList,
  type TemplateObject,
} from '../../engine/template-values';

/*
 * Reading IAM policy documents (identity policies, key policies, resource policies) as they appear in
 * a template: statements may be a single object or a list, and any part may sit under an `Fn::If`.
 */

/** The statement and its position, so that a message can point at it ("statement 'AllowAll'", "statement #2"). */
export interface PolicyStatement {
  readonly statement: TemplateObject;
  /** `'Sid'` when the statement has a literal Sid, `#n` (1-based) otherwise. */
  readonly label: string;
  /** True when the statement sits under an `Fn::If`, so some deployments lack it. */
  readonly conditional: boolean;
}

/** Condition keys that confine a public principal to the enterprise's own accounts, organisation, sources or network. */
export const ACCOUNT_CONDITION_KEYS: readonly string[] = [
  'aws:PrincipalAccount',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:PrincipalArn',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:SourceVpc',
  'aws:SourceVpce',
  'kms:CallerAccount',
];

/** For resource policies, a source-IP condition confines callers to the enterprise's network too. */
export const NETWORK_CONDITION_KEYS: readonly string[] = ['aws:SourceIp', 'aws:VpcSourceIp'];

/**
 * The statements of a policy document, in every `Fn::If` branch; an unreadable document gives none.
 * A statement under an `Fn::If` (at any level) is marked conditional: it is absent in some deployments.
 */
export function statementsOf(document: unknown): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const documentConditional = isChoice(document);
  for (const branch of possibleValues(document)) {
    const doc = typeof branch === 'string' ? parsedJson(branch) : branch;
    if (!isObject(doc)) continue;
    const listConditional = documentConditional || isChoice(doc.Statement);
    const raw = possibleValues(doc.Statement).flatMap((value) => (Array.isArray(value) ? value : [value]));
    for (const item of raw) {
      const conditional = listConditional || isChoice(item);
      for (const candidate of possibleValues(item)) {
        if (!isObject(candidate)) continue;
        const sid =
          typeof candidate.Sid === 'string' && candidate.Sid !== '' ? `'${candidate.Sid}'` : undefined;
        statements.push({ statement: candidate, label: sid ?? `#${statements.length + 1}`, conditional });
      }
    }
  }
  return statements;
}

function isChoice(value: unknown): boolean {
  return isObject(value) && 'Fn::If' in value;
}

/** A policy document written as a JSON string (CloudFormation accepts both forms); undefined if it is not JSON. */
export function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Allow unless the effect is a literal Deny in every branch: a computed effect is read as Allow (fail closed). */
export function allows(statement: TemplateObject): boolean {
  const effects = possibleValues(statement.Effect);
  return effects.length === 0 || effects.some((effect) => effect !== 'Deny');
}

/** True when the statement is a literal Deny in every branch. */
export function denies(statement: TemplateObject): boolean {
  const effects = possibleValues(statement.Effect);
  return effects.length > 0 && effects.every((effect) => effect === 'Deny');
}

/**
 * The literal strings of a string-or-list value (IAM `Action`, `Resource`, a principal), across
 * `Fn::If` branches. A computed element (Ref, Join...) names something specific and is left out.
 */
export function literalsOf(value: unknown): readonly string[] {
  // The common shapes first, without intermediate lists: a string, or a list of plain strings.
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return value as readonly string[];
  return possibleValues(value).flatMap((branch) =>
    (Array.isArray(branch) ? branch : [branch]).flatMap((item) => stringList(possibleValues(item)).literals),
  );
}

/**
 * How a statement reaches everyone: `Principal: '*'`, `Principal: { AWS: '*' }` (or a list holding
 * '*'), or a `NotPrincipal` on an Allow (everyone but a few). undefined when it does not.
 */
export function publicPrincipal(statement: TemplateObject): string | undefined {
  if (statement.NotPrincipal !== undefined && allows(statement))
    return 'NotPrincipal (everyone except the listed principals)';
  for (const principal of possibleValues(statement.Principal)) {
    if (literalsOf(principal).includes('*')) return "Principal '*'";
    // Only the AWS key can hold everyone; '*' under Service, Federated or CanonicalUser is not valid IAM.
    if (isObject(principal) && literalsOf(principal.AWS).includes('*')) {
      return "Principal { AWS: '*' }";
    }
  }
  return undefined;
}

/**
 * Whether the statement's Condition confines it with one of `keys`, in every `Fn::If` branch. Only
 * positive operators count: a negated operator (`StringNotEquals`, `NotIpAddress`), an `...IfExists`
 * operator, `Null` or `ForAllValues:` lets through requests that lack the key or carry another value.
 */
export function restrictedBy(statement: TemplateObject, keys: readonly string[]): boolean {
  const wanted = new Set(keys.map((key) => key.toLowerCase()));
  if (mayBeAbsent(statement.Condition)) return false;
  return possibleValues(statement.Condition).every(
    (condition) =>
      isObject(condition) &&
      Object.entries(condition).some(
        ([operator, clauses]) =>
          !/Not|IfExists$|^Null$|^ForAllValues:/.test(operator) &&
          isObject(clauses) &&
          Object.keys(clauses).some((key) => wanted.has(key.toLowerCase())),
      ),
  );
}

/** The public Allow statements of a document that no restricting condition confines. */
export function unrestrictedPublicStatements(
  document: unknown,
  restrictingKeys: readonly string[],
): { label: string; principal: string }[] {
  const found: { label: string; principal: string }[] = [];
  for (const { statement, label } of statementsOf(document)) {
    if (!allows(statement)) continue;
    const principal = publicPrincipal(statement);
    if (principal && !restrictedBy(statement, restrictingKeys)) found.push({ label, principal });
  }
  return found;
}
