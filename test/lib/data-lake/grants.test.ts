import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DataLakeStack, KINDS, type Kind, type Zone } from '../../../lib/data-lake';
import { arnInStack, GLUE_READ_ACTIONS, lakeApp, VIA_S3_IN_STACK_REGION } from './lake-fixture';
import { rolePolicyStatements } from '../../support';

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};

interface Granted {
  readonly stack: DataLakeStack;
  readonly role: iam.Role;
  readonly grant: iam.Grant;
  /** The statements of the grantee's identity policy. */
  readonly statements: Statement[];
  /** `{ Fn::GetAtt: [<bucket>, 'Arn'] }` of a zone bucket. */
  bucketArn(zone: Zone): unknown;
  /** The ARN of `<kind>/*` in a zone bucket, as the template writes it. */
  objectArn(zone: Zone, kind: Kind): unknown;
  readonly keyArn: unknown;
}

/** A lake and a Lambda role in its stack, after `give` granted the role something. */
function granted(give: (stack: DataLakeStack, role: iam.Role) => iam.Grant, region?: string): Granted {
  const stack = new DataLakeStack(lakeApp(), 'Lake', {
    lakeName: 'enterprise',
    env: region ? { account: '111111111111', region } : undefined,
  });
  const role = new iam.Role(stack, 'Grantee', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  const grant = give(stack, role);
  const template = Template.fromStack(stack);
  const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const statements = rolePolicyStatements(template, roleId) as Statement[];
  const getAtt = (construct: { node: { defaultChild?: unknown } }): unknown => ({
    'Fn::GetAtt': [stack.getLogicalId(construct.node.defaultChild as never), 'Arn'],
  });
  const bucketArn = (zone: Zone): unknown => getAtt(stack.lake.bucket(zone));
  const objectArn = (zone: Zone, kind: Kind): unknown => ({
    'Fn::Join': ['', [bucketArn(zone), `/${kind}/*`]],
  });
  return { stack, role, grant, statements, bucketArn, objectArn, keyArn: getAtt(stack.lake.key) };
}

/** Every resource of every statement, flattened. */
function resources(statements: Statement[]): unknown[] {
  return statements.flatMap((statement) =>
    Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource],
  );
}

/** The literal tail of a resource: the string itself, or the last part of its Fn::Join. */
function literalTail(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) {
    const last = join[1][join[1].length - 1];
    return typeof last === 'string' ? last : '';
  }
  return '';
}

describe('DataLake.grantRead', () => {
  test('reader of curated/structured gets exactly that prefix, lists only inside it, decrypts only through S3, and reads the curated catalog', () => {
    const lake = granted((stack, role) =>
      stack.lake.grantRead(role, { zones: ['curated'], kinds: ['structured'] }),
    );
    expect(lake.statements).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: lake.objectArn('curated', 'structured') },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: lake.bucketArn('curated'),
        Condition: { StringLike: { 's3:prefix': ['structured/*', 'structured/'] } },
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: lake.keyArn, Condition: VIA_S3_IN_STACK_REGION },
      {
        Effect: 'Allow',
        Action: GLUE_READ_ACTIONS,
        Resource: [
          arnInStack('glue', ':catalog'),
          arnInStack('glue', ':database/enterprise_curated'),
          arnInStack('glue', ':table/enterprise_curated/*'),
        ],
      },
    ]);
    expect(lake.grant.success).toBe(true);
    expect(lake.grant.principalStatements).toHaveLength(4);
  });

  test('reader of multimedia or documents only gets no catalog access: those kinds have no tables', () => {
    const lake = granted((stack, role) =>
      stack.lake.grantRead(role, { zones: ['raw', 'curated'], kinds: ['multimedia', 'documents'] }),
    );
    expect(JSON.stringify(lake.statements)).not.toContain('glue:');
  });

  test('opens every zone × kind asked for, and nothing else', () => {
    const lake = granted((stack, role) =>
      stack.lake.grantRead(role, { zones: ['raw', 'curated'], kinds: ['documents', 'geographic'] }),
    );
    const [get, list] = lake.statements;
    expect(get.Resource).toEqual([
      lake.objectArn('raw', 'documents'),
      lake.objectArn('raw', 'geographic'),
      lake.objectArn('curated', 'documents'),
      lake.objectArn('curated', 'geographic'),
    ]);
    expect(list.Resource).toEqual([lake.bucketArn('raw'), lake.bucketArn('curated')]);
    expect(list.Condition).toEqual({
      StringLike: { 's3:prefix': ['documents/*', 'documents/', 'geographic/*', 'geographic/'] },
    });
    expect(JSON.stringify(lake.statements)).not.toContain(JSON.stringify(lake.bucketArn('landing')));
  });

  test('repeated zones and kinds give one resource each', () => {
    const lake = granted((stack, role) =>
      stack.lake.grantRead(role, { zones: ['raw', 'raw'], kinds: ['structured', 'structured'] }),
    );
    expect(lake.statements[0].Resource).toEqual(lake.objectArn('raw', 'structured'));
  });

  test('kms:ViaService names the region of a stack with an environment', () => {
    const lake = granted(
      (stack, role) => stack.lake.grantRead(role, { zones: ['curated'], kinds: ['structured'] }),
      'eu-west-3',
    );
    expect(lake.statements[2].Condition).toEqual({
      StringEquals: { 'kms:ViaService': 's3.eu-west-3.amazonaws.com' },
    });
  });
});

describe('DataLake.grantWrite', () => {
  test('landing writer for documents may put and abort uploads under landing/documents/ only', () => {
    const lake = granted((stack, role) => stack.lake.grantWrite(role, { kinds: ['documents'] }));
    expect(lake.statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Resource: lake.objectArn('landing', 'documents'),
      },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: lake.keyArn,
        Condition: VIA_S3_IN_STACK_REGION,
      },
    ]);
  });

  test('has no zones option: raw and curated are written only through grantCurate', () => {
    const lake = new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise' }).lake;
    const role = new iam.Role(lake, 'Grantee', { assumedBy: new iam.AccountRootPrincipal() });
    const options = { kinds: ['structured'], zones: ['curated'] } as unknown as { kinds: Kind[] };
    expect(() => lake.grantWrite(role, options)).toThrow(
      /DataLake 'enterprise' \(Lake\/Lake\): grantWrite: zones is not an option: grantWrite writes to the landing zone only\. .*grantCurate/,
    );
  });
});

describe('DataLake.grantCurate', () => {
  test('curate service reads landing and writes raw and curated, every kind', () => {
    const lake = granted((stack, role) => stack.lake.grantCurate(role));
    expect(lake.statements).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: KINDS.map((kind) => lake.objectArn('landing', kind)),
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: lake.bucketArn('landing'),
        Condition: { StringLike: { 's3:prefix': KINDS.flatMap((kind) => [`${kind}/*`, `${kind}/`]) } },
      },
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Resource: (['raw', 'curated'] as const).flatMap((zone) =>
          KINDS.map((kind) => lake.objectArn(zone, kind)),
        ),
      },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: lake.keyArn,
        Condition: VIA_S3_IN_STACK_REGION,
      },
    ]);
  });
});

describe('every grant', () => {
  const grants: [string, (stack: DataLakeStack, role: iam.Role) => iam.Grant][] = [
    [
      'grantRead',
      (stack, role) => stack.lake.grantRead(role, { zones: ['landing', 'raw', 'curated'], kinds: KINDS }),
    ],
    ['grantWrite', (stack, role) => stack.lake.grantWrite(role, { kinds: KINDS })],
    ['grantCurate', (stack, role) => stack.lake.grantCurate(role)],
  ];

  test.each(grants)('%s names no wildcard resource and no bucket-wide object ARN', (_name, give) => {
    const lake = granted(give);
    for (const resource of resources(lake.statements)) {
      expect(resource).not.toBe('*');
      const tail = literalTail(resource);
      // An object ARN ends in /<kind>/*; a bucket or key ARN is a bare Fn::GetAtt; a Glue ARN
      // names the catalog, a zone database, or the tables of one.
      if (tail !== '') {
        expect(tail).toMatch(
          /^(\/(structured|multimedia|documents|geographic)\/\*|:catalog|:database\/enterprise_[a-z]+|:table\/enterprise_[a-z]+\/\*)$/,
        );
      }
    }
  });

  test.each(grants)('%s is an identity policy: the lake bucket policies are unchanged', (_name, give) => {
    const bucketPolicies = (stack: DataLakeStack): unknown =>
      Template.fromStack(stack).findResources('AWS::S3::BucketPolicy');
    const untouched = new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise' });
    const lake = granted(give);
    expect(bucketPolicies(lake.stack)).toEqual(bucketPolicies(untouched));
  });

  test.each(grants)('%s makes the lake key usable only through S3', (_name, give) => {
    const lake = granted(give);
    const kms = lake.statements.filter((statement) => JSON.stringify(statement.Action).includes('kms:'));
    expect(kms).toHaveLength(1);
    expect(kms[0].Condition).toEqual(VIA_S3_IN_STACK_REGION);
  });
});

describe('grant validation', () => {
  const lake = new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise' }).lake;
  const role = new iam.Role(lake, 'Grantee', { assumedBy: new iam.AccountRootPrincipal() });
  const read = (options: unknown) => () => lake.grantRead(role, options as never);
  const write = (options: unknown) => () => lake.grantWrite(role, options as never);

  test('an unknown zone is named, with the valid ones', () => {
    expect(read({ zones: ['curated', 'gold'], kinds: ['structured'] })).toThrow(
      `DataLake 'enterprise' (Lake/Lake): grantRead: unknown zone "gold". Use one of: landing, raw, curated.`,
    );
  });

  test('an unknown kind is named, with the valid ones', () => {
    expect(read({ zones: ['curated'], kinds: ['video'] })).toThrow(
      `DataLake 'enterprise' (Lake/Lake): grantRead: unknown kind "video". Use one of: structured, multimedia, documents, geographic.`,
    );
    expect(write({ kinds: ['structured', 'tables'] })).toThrow(
      /DataLake 'enterprise' \(Lake\/Lake\): grantWrite: unknown kind "tables"\. Use one of/,
    );
  });

  test('empty or missing lists are refused', () => {
    expect(read({ zones: [], kinds: ['structured'] })).toThrow(
      `DataLake 'enterprise' (Lake/Lake): grantRead: zones must list at least one zone (got []). Use some of: landing, raw, curated.`,
    );
    expect(read({ zones: ['raw'], kinds: [] })).toThrow(/kinds must list at least one kind \(got \[\]\)/);
    expect(read({ zones: ['raw'] })).toThrow(/kinds must list at least one kind \(got null\)/);
    expect(write({ kinds: [] })).toThrow(
      /DataLake 'enterprise' \(Lake\/Lake\): grantWrite: kinds must list at least one kind/,
    );
    expect(write(undefined)).toThrow(
      /DataLake 'enterprise' \(Lake\/Lake\): grantWrite: kinds must list at least one kind/,
    );
  });
});

describe('DataLake.grantPrefixes', () => {
  test('catalog reader of curated _catalog/ gets that prefix and lists only inside it, with no Glue access', () => {
    const lake = granted((stack, role) =>
      stack.lake.grantPrefixes(role, { zone: 'curated', prefixes: ['_catalog/'] }),
    );
    expect(lake.statements).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [lake.bucketArn('curated'), '/_catalog/*']] },
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: lake.bucketArn('curated'),
        Condition: { StringLike: { 's3:prefix': ['_catalog/*', '_catalog/'] } },
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: lake.keyArn, Condition: VIA_S3_IN_STACK_REGION },
    ]);
  });

  test('write access puts and aborts uploads under the prefixes only, and never reads', () => {
    const lake = granted((stack, role) =>
      stack.lake.grantPrefixes(role, { zone: 'landing', prefixes: ['_uploads/'], access: 'write' }),
    );
    expect(lake.statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Resource: { 'Fn::Join': ['', [lake.bucketArn('landing'), '/_uploads/*']] },
      },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: lake.keyArn,
        Condition: VIA_S3_IN_STACK_REGION,
      },
    ]);
  });

  test('read-write on a dataset inside a kind, with listZone, may list the whole zone bucket so a missing key is a 404', () => {
    const lake = granted((stack, role) =>
      stack.lake.grantPrefixes(role, {
        zone: 'raw',
        prefixes: ['structured/sales-orders/'],
        access: 'read-write',
        listZone: true,
      }),
    );
    const objects = { 'Fn::Join': ['', [lake.bucketArn('raw'), '/structured/sales-orders/*']] };
    expect(lake.statements).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: objects },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: lake.bucketArn('raw'),
        Condition: { StringLike: { 's3:prefix': ['structured/sales-orders/*', 'structured/sales-orders/'] } },
      },
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: objects },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: lake.keyArn,
        Condition: VIA_S3_IN_STACK_REGION,
      },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: lake.bucketArn('raw') },
    ]);
  });

  test('is an identity policy: the lake bucket policies are unchanged', () => {
    const bucketPolicies = (stack: DataLakeStack): unknown =>
      Template.fromStack(stack).findResources('AWS::S3::BucketPolicy');
    const untouched = new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise' });
    const lake = granted((stack, role) =>
      stack.lake.grantPrefixes(role, { zone: 'curated', prefixes: ['_catalog/'], access: 'read-write' }),
    );
    expect(bucketPolicies(lake.stack)).toEqual(bucketPolicies(untouched));
  });

  describe('refuses', () => {
    const lake = new DataLakeStack(lakeApp(), 'Lake', { lakeName: 'enterprise' }).lake;
    const role = new iam.Role(lake, 'Grantee', { assumedBy: new iam.AccountRootPrincipal() });
    const give = (options: unknown) => () => lake.grantPrefixes(role, options as never);

    test('an unknown zone or access, naming the valid ones', () => {
      expect(give({ zone: 'gold', prefixes: ['structured/'] })).toThrow(
        `DataLake 'enterprise' (Lake/Lake): grantPrefixes: unknown zone "gold". Use one of: landing, raw, curated.`,
      );
      expect(give({ zone: 'raw', prefixes: ['structured/'], access: 'delete' })).toThrow(
        /grantPrefixes: unknown access "delete"\. Use one of: read, write, read-write\./,
      );
    });

    test('an empty or missing prefix list, saying which prefixes the zone takes', () => {
      expect(give({ zone: 'curated', prefixes: [] })).toThrow(
        /grantPrefixes: prefixes must list at least one key prefix of curated \(got \[\]\)\. Use a kind's prefix or one inside it \(structured\/, multimedia\/, documents\/, geographic\/, e\.g\. 'structured\/sales-orders\/'\) or a lake service prefix of curated \(_catalog\/\)\./,
      );
      expect(give({ zone: 'raw' })).toThrow(/prefixes must list at least one key prefix of raw \(got null\)/);
    });

    test.each([
      ['the whole bucket', '', /the prefix "" does not end with '\/'/],
      ['a prefix without its slash', 'structured', /the prefix "structured" does not end with '\/'/],
      ['a wildcard', 'structured/*/', /holds a wildcard or policy variable/],
      ['a policy variable', 'structured/${aws:username}/', /holds a wildcard or policy variable/],
      [
        'a prefix outside every kind',
        'backups/',
        /the prefix "backups\/" is not inside a kind or a lake service prefix of raw/,
      ],
      [
        "another zone's service prefix",
        '_catalog/',
        /the prefix "_catalog\/" is not inside a kind or a lake service prefix of raw/,
      ],
      ['a non-string', 42, /the prefix number is not a literal string/],
    ])('%s', (_what, prefix, message) => {
      expect(give({ zone: 'raw', prefixes: [prefix] })).toThrow(message);
    });
  });
});
