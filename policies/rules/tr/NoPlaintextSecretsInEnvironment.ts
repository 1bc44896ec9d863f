import { COMPLIANT, defineRule, nonCompliant } from '../../rule';
import { type TemplateResource } from '../../engine/template-resource';
import { isObject, listAt, literalString, possibleValues, valueAt } from '../../engine/template-values';

/** Words that make a variable name a secret's name, matched as whole words of the name. */
const SECRET_WORDS = new Set([
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'TOKEN',
  'APIKEY',
  'PRIVATEKEY',
  'CREDENTIAL',
  'CREDENTIALS',
]);
/** Two-word secret names (API_KEY, apiKey, PRIVATE_KEY). */
const SECRET_PAIRS = [
  ['API', 'KEY'],
  ['PRIVATE', 'KEY'],
];
/** A last word that makes the variable name where a secret is, or a property of it, not the secret itself. */
const POINTER_WORDS = new Set([
  'ARN',
  'NAME',
  'ID',
  'PARAM',
  'PARAMETER',
  'URL',
  'ENDPOINT',
  'TTL',
  'HEADER',
  'TYPE',
]);

export default defineRule(
  __filename,
  {
    id: 'BIS-TR8',
    title: 'No secrets in plain environment variables',
    rationale:
      'A literal password, token or API key in an environment variable is stored in the template, the cloud assembly, the source repository and the function or task configuration, readable by anyone with read access to any of them, and it never rotates.',
    fix: 'Keep the secret in Secrets Manager and pass its ARN or name (`SECRET_ARN: secret.secretArn`, then `secret.grantRead(fn)` and read it at run time); for ECS use container `secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret) }` (ContainerDefinitions Secrets). A `{{resolve:secretsmanager:...}}` dynamic reference also keeps it out of the template.',
    level: 'error',
    resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function', 'AWS::ECS::TaskDefinition'],
  },
  (resource) => {
    const exposed = environmentOf(resource)
      .filter(({ name, value }) => looksLikeSecret(name) && holdsPlaintext(value))
      .map(({ name, where }) => `${where}${name}`);
    if (exposed.length === 0) return COMPLIANT;
    const subject =
      exposed.length === 1
        ? `Environment variable ${exposed[0]} holds a literal value`
        : `Environment variables ${exposed.join(', ')} hold literal values`;
    return nonCompliant(
      `${subject}, so the secret is in plain text in the template; pass a Secrets Manager ARN or a dynamic reference instead.`,
    );
  },
);

interface Variable {
  readonly name: string;
  readonly value: unknown;
  /** Prefix for the message, naming the container for ECS. */
  readonly where: string;
}

function environmentOf(resource: TemplateResource): Variable[] {
  if (resource.type !== 'AWS::ECS::TaskDefinition') {
    const variables = valueAt(resource.properties, 'Environment', 'Variables');
    return possibleValues(variables)
      .filter(isObject)
      .flatMap((map) => Object.entries(map).map(([name, value]) => ({ name, value, where: '' })));
  }
  return listAt(resource.properties, 'ContainerDefinitions').flatMap((container) => {
    const containerName = literalString(valueAt(container, 'Name'));
    const where = containerName === undefined ? '' : `${containerName}/`;
    return possibleValues(valueAt(container, 'Environment'))
      .flatMap((list) => (Array.isArray(list) ? list : [list]))
      .flatMap((entry) => possibleValues(entry))
      .flatMap((entry) => {
        const name = literalString(valueAt(entry, 'Name'));
        return name === undefined ? [] : [{ name, value: valueAt(entry, 'Value'), where }];
      });
  });
}

/** The words of a name: split on separators and camelCase, upper-cased (TOKENIZER_MODE is TOKENIZER, MODE). */
function wordsOf(name: string): string[] {
  return name
    .split(/[^A-Za-z0-9]+/)
    .flatMap((part) => part.split(/(?<=[a-z0-9])(?=[A-Z])/))
    .filter((word) => word !== '')
    .map((word) => word.toUpperCase());
}

/**
 * A name that names a secret: it holds a secret word (plural TOKENS/SECRETS excluded: MAX_TOKENS is a
 * count) and does not end with a word saying it points to the secret (SECRET_ARN, TOKEN_PARAMETER).
 */
function looksLikeSecret(name: string): boolean {
  const words = wordsOf(name);
  if (words.length === 0 || POINTER_WORDS.has(words[words.length - 1])) return false;
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  return words.some((word, i) =>
    SECRET_PAIRS.some(([first, second]) => word === first && words[i + 1] === second),
  );
}

/**
 * True when the value is written in the template: a literal string or number (not an ARN, not a
 * dynamic reference, not empty), or a Join/Sub/If made only of such literals. A Ref, GetAtt or
 * import comes from elsewhere and is not a secret written here.
 */
function holdsPlaintext(value: unknown): boolean {
  if (typeof value === 'number') return true;
  if (typeof value === 'string')
    return value !== '' && !value.startsWith('arn:') && !value.includes('{{resolve:');
  if (!isObject(value)) return false;
  if ('Fn::If' in value) return possibleValues(value).some(holdsPlaintext);
  const join = value['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    return (
      join[1].length > 0 &&
      join[1].every((part) => typeof part === 'string') &&
      holdsPlaintext(join[1].join(''))
    );
  }
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return !sub.includes('${') && holdsPlaintext(sub);
  return false;
}
