/*
 * LakeServicesStack, the deployed shape of ingest, curate and catalog: each function's access is
 * exactly its zone × kind needs, decided by the IAM simulation the lake's access matrix uses over
 * the synthesized policies; the reference app (bin/platform.ts) is clean under BisChecks and cdk-nag.
 */
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { EvaluationResult } from '@cloud-copilot/iam-simulate';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { platformStacks, REFERENCE_PUBLIC_ACCESS_REASON } from '../../../bin/platform';
import { CATALOG_PREFIX } from '../../../functions/curate';
import { UPLOAD_INTENTS_PREFIX } from '../../../functions/ingest';
import {
  BIS_LAKE_WRITER_TAG,
  DataLakeStack,
  KINDS,
  LAKE_SERVICE_PREFIXES,
  type Zone,
} from '../../../lib/data-lake';
import { LakeServicesStack } from '../../../lib/serverless';
import { evaluateApp } from '../../policies/harness';
import { testApp } from '../../support';
import {
  ACCOUNT_ID,
  APPLICATION_KEY_ID,
  type PolicyDocument,
  ResolvedTemplate,
  simulateAccess,
} from '../data-lake/policy-simulation';

const REGION = 'eu-west-1';
const VIA_S3 = { 'kms:ViaService': `s3.${REGION}.amazonaws.com` };
const SHA = 'a'.repeat(64);
/** An object key as ingest writes it in every zone: `<kind>/<dataset>/<yyyy>/<mm>/<dd>/<sha256>.<ext>`. */
const objectKey = (kind: string): string => `${kind}/survey/2026/01/02/${SHA}.bin`;
const INTENT = `_uploads/${objectKey('structured')}.json`;
const CATALOG_ENTRY = `_catalog/survey/${objectKey('geographic')}.json`;

type Service = 'ingest' | 'curate' | 'catalog' | 'curate-untagged';
type Target = Zone | 'lake-key';
type Expected = 'Allowed' | 'Denied' | 'ExplicitlyDenied';
/** service, action, `<target>` or `<target>/<key>`, expected, extra request context. */
type Cell = readonly [Service, string, string, Expected, Record<string, string>?];

const MATRIX: Cell[] = [
  // ingest: puts landing objects (and its upload intents), heads them for idempotence, nothing else.
  ...KINDS.flatMap((kind): Cell[] => [
    ['ingest', 's3:PutObject', `landing/${objectKey(kind)}`, 'Allowed'],
    ['ingest', 's3:GetObject', `landing/${objectKey(kind)}`, 'Allowed'],
  ]),
  ['ingest', 's3:PutObject', `landing/${INTENT}`, 'Allowed'],
  ['ingest', 's3:ListBucket', 'landing', 'Allowed'],
  ['ingest', 'kms:GenerateDataKey', 'lake-key', 'Allowed', VIA_S3],
  ['ingest', 'kms:GenerateDataKey', 'lake-key', 'Denied'],
  ['ingest', 's3:GetObject', `landing/${INTENT}`, 'Denied'],
  ['ingest', 's3:PutObject', 'landing/backups/orders.csv', 'Denied'],
  ['ingest', 's3:DeleteObject', `landing/${objectKey('structured')}`, 'Denied'],
  ...(['raw', 'curated'] as const).flatMap((zone): Cell[] => [
    ...KINDS.flatMap((kind): Cell[] => [
      ['ingest', 's3:PutObject', `${zone}/${objectKey(kind)}`, 'Denied'],
      ['ingest', 's3:GetObject', `${zone}/${objectKey(kind)}`, 'Denied'],
    ]),
    ['ingest', 's3:ListBucket', zone, 'Denied'],
  ]),
  ['ingest', 's3:PutObject', `curated/${CATALOG_ENTRY}`, 'Denied'],

  // curate: reads landing, writes raw under the kinds and curated under _catalog/ only.
  ...KINDS.flatMap((kind): Cell[] => [
    ['curate', 's3:GetObject', `landing/${objectKey(kind)}`, 'Allowed'],
    ['curate', 's3:GetObject', `raw/${objectKey(kind)}`, 'Allowed'],
    ['curate', 's3:PutObject', `raw/${objectKey(kind)}`, 'Allowed'],
    ['curate', 's3:AbortMultipartUpload', `raw/${objectKey(kind)}`, 'Allowed'],
    ['curate', 's3:PutObject', `landing/${objectKey(kind)}`, 'Denied'],
    ['curate', 's3:PutObject', `curated/${objectKey(kind)}`, 'Denied'],
  ]),
  ['curate', 's3:GetObject', `landing/${INTENT}`, 'Allowed'],
  ['curate', 's3:GetObject', `curated/${CATALOG_ENTRY}`, 'Allowed'],
  ['curate', 's3:PutObject', `curated/${CATALOG_ENTRY}`, 'Allowed'],
  ...(['landing', 'raw', 'curated'] as const).map((zone): Cell => [
    'curate',
    's3:ListBucket',
    zone,
    'Allowed',
  ]),
  ['curate', 'kms:GenerateDataKey', 'lake-key', 'Allowed', VIA_S3],
  ['curate', 'kms:Decrypt', 'lake-key', 'Denied'],
  ['curate', 's3:DeleteObject', `raw/${objectKey('documents')}`, 'Denied'],
  ['curate', 's3:DeleteObject', `curated/${CATALOG_ENTRY}`, 'Denied'],
  // The same policies without the lake-writer tag: the lake's bucket policy, not the grant, decides.
  ['curate-untagged', 's3:PutObject', `raw/${objectKey('structured')}`, 'ExplicitlyDenied'],
  ['curate-untagged', 's3:PutObject', `curated/${CATALOG_ENTRY}`, 'ExplicitlyDenied'],

  // catalog: reads curated _catalog/ and raw (downloads are presigned GETs), writes nothing.
  ['catalog', 's3:GetObject', `curated/${CATALOG_ENTRY}`, 'Allowed'],
  ['catalog', 's3:ListBucket', 'curated', 'Allowed', { 's3:prefix': '_catalog/' }],
  ['catalog', 's3:ListBucket', 'curated', 'Allowed', { 's3:prefix': '_catalog/survey/' }],
  ['catalog', 's3:ListBucket', 'curated', 'Denied'],
  ['catalog', 's3:ListBucket', 'curated', 'Denied', { 's3:prefix': 'structured/' }],
  ...KINDS.flatMap((kind): Cell[] => [
    ['catalog', 's3:GetObject', `raw/${objectKey(kind)}`, 'Allowed'],
    ['catalog', 's3:GetObject', `curated/${objectKey(kind)}`, 'Denied'],
    ['catalog', 's3:GetObject', `landing/${objectKey(kind)}`, 'Denied'],
    ...(['landing', 'raw', 'curated'] as const).map((zone): Cell => [
      'catalog',
      's3:PutObject',
      `${zone}/${objectKey(kind)}`,
      'Denied',
    ]),
  ]),
  ['catalog', 's3:PutObject', `curated/${CATALOG_ENTRY}`, 'Denied'],
  ['catalog', 's3:GetObject', `landing/${INTENT}`, 'Denied'],
  ['catalog', 'kms:Decrypt', 'lake-key', 'Allowed', VIA_S3],
  ['catalog', 'kms:GenerateDataKey', 'lake-key', 'Denied', VIA_S3],
];

/** The reference app's stacks in an app that skips bundling; BisChecks is run by `evaluateApp`. */
function referenceApp(context: Record<string, unknown> = {}) {
  const app = testApp({ context });
  return { app, ...platformStacks(app) };
}

function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(element).getLogicalId(element);
}

function synthesizeServices() {
  const { lake, services } = referenceApp();
  const lakeTemplate = new ResolvedTemplate('DataLake', Template.fromStack(lake).toJSON());
  const servicesTemplate = ResolvedTemplate.readingContractOf(
    'LakeServices',
    Template.fromStack(services).toJSON(),
    lakeTemplate,
    APPLICATION_KEY_ID,
  );
  const grantee = (role: IConstruct, tagged = true) => ({
    principal: servicesTemplate.roleArn(logicalId(role)),
    identityPolicies: servicesTemplate.identityPolicies(logicalId(role)),
    tags: tagged ? servicesTemplate.principalTags(logicalId(role)) : {},
  });
  const principals: Record<Service, ReturnType<typeof grantee>> = {
    ingest: grantee(services.ingest.role),
    curate: grantee(services.curate.role),
    'curate-untagged': grantee(services.curate.role, false),
    catalog: grantee(services.catalog.role),
  };
  const bucket = (zone: Zone) => {
    const id = logicalId(lake.lake.bucket(zone));
    return { arn: lakeTemplate.arnOf(id), policy: lakeTemplate.bucketPolicy(id) };
  };
  const keyId = logicalId(lake.lake.key);
  const targets: Record<Target, { arn: string; policy?: PolicyDocument }> = {
    landing: bucket('landing'),
    raw: bucket('raw'),
    curated: bucket('curated'),
    'lake-key': { arn: lakeTemplate.arnOf(keyId), policy: lakeTemplate.keyPolicy(keyId) },
  };
  return { principals, targets, services, servicesTemplate };
}

const cellName = ([service, action, resource, expected, context = {}]: Cell): string => {
  const conditions = Object.entries(context)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${service} ${action} ${resource}${conditions ? ` ${conditions}` : ''} is ${expected}`;
};

describe('the lake services may do exactly their zone × kind jobs, simulated over the synthesized policies', () => {
  let world: ReturnType<typeof synthesizeServices>;
  beforeAll(() => {
    world = synthesizeServices();
  });

  test('curate carries the lake-writer tag of its lake; ingest and catalog do not', () => {
    expect(world.principals.curate.tags).toEqual(
      expect.objectContaining({ [`aws:PrincipalTag/${BIS_LAKE_WRITER_TAG}`]: 'enterprise' }),
    );
    expect(Object.keys(world.principals.ingest.tags)).not.toContain(
      `aws:PrincipalTag/${BIS_LAKE_WRITER_TAG}`,
    );
    expect(Object.keys(world.principals.catalog.tags)).not.toContain(
      `aws:PrincipalTag/${BIS_LAKE_WRITER_TAG}`,
    );
  });

  test.each(MATRIX.map((cell) => [cellName(cell), cell] as const))('%s', async (_name, cell) => {
    const [service, action, resource, expected, extra = {}] = cell;
    const [target, ...key] = resource.split('/');
    const { arn, policy } = world.targets[target as Target];
    const { principal, identityPolicies, tags } = world.principals[service];
    const isS3 = action.startsWith('s3:');
    const decision: EvaluationResult = await simulateAccess({
      principal,
      identityPolicies,
      resourcePolicy: policy,
      action,
      resource: key.length > 0 ? `${arn}/${key.join('/')}` : arn,
      context: {
        ...tags,
        'aws:SecureTransport': 'true',
        ...(isS3 ? { 's3:TlsVersion': '1.3' } : { 'kms:CallerAccount': ACCOUNT_ID }),
        ...extra,
      },
    });
    if (expected === 'Denied') expect(decision).toMatch(/^(Implicitly|Explicitly)Denied$/);
    else expect(decision).toBe(expected);
  });
});

describe('the reference app (bin/platform.ts): DataLakeStack and LakeServicesStack', () => {
  const { app, lake, services } = referenceApp();
  const findings = evaluateApp(app);
  const assembly = app.synth();
  const servicesTemplate = assembly.getStackArtifact(services.artifactId).template as object;

  test('has zero BisChecks findings, warnings included', () => {
    expect(findings.map((f) => `${f.rule.id} ${f.resource.path}: ${f.message}`)).toEqual([]);
  });

  test('has zero cdk-nag AwsSolutions errors', () => {
    const errors = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((violation) => violation.severity === 'error');
    expect(errors.map((v) => `${v.ruleName}: ${JSON.stringify(v.violatingResources)}`)).toEqual([]);
  });

  test('acknowledges no BIS rule anywhere', () => {
    const acknowledged = app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => JSON.stringify(entry.data ?? '').includes('BIS::'));
    expect(acknowledged).toEqual([]);
  });

  test('the services reach the lake without Fn::ImportValue, ordered by a dependency that is no reference', () => {
    expect(JSON.stringify(servicesTemplate)).not.toContain('Fn::ImportValue');
    expect(services.dependencies.map((stack) => stack.stackName)).toEqual([lake.stackName]);
  });

  test('the lake template is the same with or without the services stack', () => {
    const alone = testApp();
    const lakeAlone = new DataLakeStack(alone, 'DataLake', {
      lakeName: 'enterprise',
      browserUploadOrigins: ['*'],
    });
    expect(assembly.getStackArtifact(lake.artifactId).template).toEqual(
      alone.synth().getStackArtifact(lakeAlone.artifactId).template,
    );
  });

  test('is an application stack, tagged for cost allocation', () => {
    expect(assembly.getStackArtifact(services.artifactId).tags).toEqual(
      expect.objectContaining({
        'bis:role': 'application',
        'bis:owner': 'platform',
        'bis:cost-center': 'data-platform',
      }),
    );
  });
});

describe('LakeServicesStack wiring', () => {
  const { services } = referenceApp();
  const template = Template.fromStack(services);
  const json = template.toJSON() as {
    Resources: Record<string, { Type: string; Properties: { Environment: { Variables: unknown } } }>;
  };
  const fn = (construct: IConstruct) => json.Resources[logicalId(construct.node.findChild('Function'))];
  const parameterOf = (entry: string): string => {
    const found = Object.entries(
      (json as unknown as { Parameters: Record<string, { Default: string }> }).Parameters,
    ).find(([, parameter]) => parameter.Default === `/cdk-bis/enterprise/${entry}`);
    if (!found) throw new Error(`no contract parameter for ${entry}`);
    return found[0];
  };

  test('each function sees exactly the zone stores it uses, named from the contract', () => {
    const env = (construct: IConstruct) => fn(construct).Properties.Environment.Variables;
    const bucket = (zone: Zone) => ({ Ref: parameterOf(`zones/${zone}/bucket-name`) });
    const key = { Ref: parameterOf('key-arn') };
    expect(env(services.ingest)).toEqual({
      BIS_STORES: 'landing',
      BIS_STORE_PROVIDER: 's3',
      BIS_S3_KMS_KEY_ID: key,
      BIS_STORE_LANDING_BUCKET: bucket('landing'),
      // Lambda's 6 MB payload, base64 for binary bodies: ingest's own 413 comes first, with the upload-URL hint.
      INGEST_INLINE_LIMIT_BYTES: String(4 * 1024 * 1024),
    });
    expect(env(services.curate)).toEqual(
      expect.objectContaining({ BIS_STORES: 'landing,raw,curated', BIS_STORE_RAW_BUCKET: bucket('raw') }),
    );
    expect(env(services.catalog)).toEqual(
      expect.objectContaining({ BIS_STORES: 'curated,raw', BIS_STORE_CURATED_BUCKET: bucket('curated') }),
    );
  });

  test('curate runs on "Object Created" of the landing bucket, with its failed events kept in a queue', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: parameterOf('zones/landing/bucket-name') }] } },
    });
    expect(rules[0].Properties.Targets[0].Arn).toEqual({
      'Fn::GetAtt': [logicalId(services.curate.function), 'Arn'],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(services.curate.function) },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(services.curate.failedEventsQueue!), 'Arn'] } },
      },
    });
  });

  test('one HTTP API serves the catalog at / and ingest under /datasets/, so the page uploads to its own origin', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey as string,
    );
    expect(routes.sort()).toEqual(['ANY /', 'ANY /datasets/{proxy+}', 'ANY /{proxy+}']);
  });

  test('the services bundle the handler modules of functions/', () => {
    expect([services.ingest, services.curate, services.catalog].map((f) => [f.entry, f.exportName])).toEqual([
      ['functions/ingest/index.ts', 'http'],
      ['functions/curate/index.ts', 'objectLanded'],
      ['functions/catalog/index.ts', 'http'],
    ]);
  });

  test('the lake service prefixes are the ones ingest and curate write', () => {
    expect(LAKE_SERVICE_PREFIXES).toEqual({
      landing: [UPLOAD_INTENTS_PREFIX],
      raw: [],
      curated: [CATALOG_PREFIX],
    });
  });

  test('with an identity provider, every route needs its token and none is acknowledged as public', () => {
    const { services: guarded } = referenceApp({
      'cdk-bis:jwtIssuer': 'https://login.example.com/',
      'cdk-bis:jwtAudience': 'lake',
    });
    const guardedTemplate = Template.fromStack(guarded);
    const routes = Object.values(guardedTemplate.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((route) => route.Properties.AuthorizationType)).toEqual(['JWT', 'JWT', 'JWT']);
    expect(guarded.web.publicAccessReason).toBeUndefined();
  });
});

describe('LakeServicesStack refuses', () => {
  const stack = (props: Record<string, unknown>) => () =>
    new LakeServicesStack(testApp(), 'LakeServices', { lakeName: 'enterprise', ...props } as never);

  test('neither an authorizer nor a public-access reason, or both', () => {
    const message =
      /LakeServicesStack 'LakeServices' \(LakeServices\): give exactly one of authorizer .* and publicAccessReason/;
    expect(stack({})).toThrow(message);
    expect(
      stack({
        publicAccessReason: REFERENCE_PUBLIC_ACCESS_REASON,
        authorizer: new HttpJwtAuthorizer('Sso', 'https://login.example.com/', { jwtAudience: ['lake'] }),
      }),
    ).toThrow(message);
  });

  test('an invalid lake name, with the lake error', () => {
    expect(
      stack({ lakeName: 'Enterprise Lake', publicAccessReason: REFERENCE_PUBLIC_ACCESS_REASON }),
    ).toThrow(/DataLake 'Enterprise Lake'/);
  });

  test('an empty owner or cost centre', () => {
    expect(stack({ owner: ' ', publicAccessReason: REFERENCE_PUBLIC_ACCESS_REASON })).toThrow(
      /owner must be a non-empty string; it becomes a cost-allocation tag/,
    );
    expect(stack({ costCenter: '', publicAccessReason: REFERENCE_PUBLIC_ACCESS_REASON })).toThrow(
      /costCenter must be a non-empty string/,
    );
  });

  test('half an identity provider in the reference app', () => {
    expect(() => referenceApp({ 'cdk-bis:jwtIssuer': 'https://login.example.com/' })).toThrow(
      /give both context values cdk-bis:jwtIssuer and cdk-bis:jwtAudience/,
    );
  });

  test('an app without a lake of that name fails at deploy on the missing contract parameter, never at synth: the stack holds only the parameter names', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const alone = new LakeServicesStack(app, 'LakeServices', {
      lakeName: 'elsewhere',
      publicAccessReason: REFERENCE_PUBLIC_ACCESS_REASON,
    });
    const parameters = Object.values(
      Template.fromStack(alone).toJSON().Parameters as Record<string, { Default: string }>,
    )
      .map((parameter) => parameter.Default)
      .filter((name) => name.startsWith('/cdk-bis/'));
    expect(parameters.every((name) => name.startsWith('/cdk-bis/elsewhere/'))).toBe(true);
    expect(parameters.length).toBeGreaterThan(0);
  });
});
