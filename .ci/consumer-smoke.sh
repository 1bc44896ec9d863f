#!/usr/bin/env bash
# Pack cdk-bis, install the tarball into a fresh CDK app next to aws-cdk-lib, constructs and
# cdk-nag, and check what a user sees: a non-compliant stack fails `cdk synth` with a BIS error,
# an acknowledged one passes, and the TypeScript declarations resolve.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$repo"
npm pack --silent --pack-destination "$work" >"$work/pack.out"
tarball="$(tail -n 1 "$work/pack.out")"
versions="$(node -p "const p=require('./package.json').devDependencies; [p['aws-cdk-lib'], p.constructs, p['cdk-nag'], p['aws-cdk'], p.typescript, p['@types/node'], p.esbuild].join(' ')")"
read -r cdk_lib constructs_v nag cli ts types_node esbuild_v <<<"$versions"

cd "$work"
cat > package.json <<'JSON'
{ "name": "consumer-app", "version": "1.0.0", "private": true }
JSON
npm install --no-audit --no-fund --save-exact \
  "aws-cdk-lib@$cdk_lib" "constructs@$constructs_v" "cdk-nag@$nag" "aws-cdk@$cli" \
  "typescript@$ts" "@types/node@$types_node" "esbuild@$esbuild_v" "./$tarball" >/dev/null

cat > app.js <<'JS'
const { App, Stack, Validations } = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');
const { BisChecks, BisRole } = require('cdk-bis');

const app = new App();
Validations.of(app).addPlugins(new BisChecks(app));
const lake = new Stack(app, 'ConsumerLake');
BisRole.of(lake).set('data-platform');
const bucket = new s3.Bucket(lake, 'Unversioned');
if (process.env.ACKNOWLEDGE === '1') {
  Validations.of(lake).acknowledge(
    ...new BisChecks().ruleIds.map((id) => ({ id: `BIS::${id}`, reason: 'consumer smoke test: acknowledged on purpose' })),
  );
}
void bucket;
app.synth();
JS
echo '{ "app": "node app.js" }' > cdk.json

set +e
npx cdk synth --quiet >synth.out 2>&1
status=$?
set -e
if [ "$status" -eq 0 ]; then
  echo "consumer smoke: a non-compliant stack passed cdk synth" >&2
  cat synth.out >&2
  exit 1
fi
grep -q "BIS-AV2" synth.out || { echo "consumer smoke: no BIS-AV2 error in the synth output" >&2; cat synth.out >&2; exit 1; }
grep -q "app.js:9" synth.out || { echo "consumer smoke: the finding does not point at app.js:9" >&2; cat synth.out >&2; exit 1; }
echo "consumer smoke: non-compliant stack fails with BIS-AV2 at app.js:9 (exit $status)"

ACKNOWLEDGE=1 npx cdk synth --quiet >synth-ack.out 2>&1 || {
  echo "consumer smoke: acknowledged findings still failed cdk synth" >&2
  cat synth-ack.out >&2
  exit 1
}
echo "consumer smoke: acknowledged findings pass"

npx cdk-bis --version | grep -qx "$(node -p "require('$repo/package.json').version")" || { echo "consumer smoke: cdk-bis --version is wrong" >&2; exit 1; }
npx cdk-bis --help | grep -q "cdk-bis scan" || { echo "consumer smoke: cdk-bis --help has no usage" >&2; exit 1; }
# The report of the failing synth above, as CI would publish it.
set +e
npx cdk synth --quiet >/dev/null 2>&1
npx cdk-bis report cdk.out --format sarif --output bis.sarif
report_status=$?
set -e
[ "$report_status" -eq 1 ] || { echo "consumer smoke: cdk-bis report exited $report_status, expected 1 (error findings)" >&2; exit 1; }
node -e "const s=JSON.parse(require('fs').readFileSync('bis.sarif','utf8')); if (!s.runs[0].results.some(r => r.ruleId === 'BIS-AV2' && r.locations[0].physicalLocation.artifactLocation.uri === 'app.js')) process.exit(1)" \
  || { echo "consumer smoke: bis.sarif lacks BIS-AV2 located in app.js" >&2; exit 1; }
echo "consumer smoke: cdk-bis --version, --help and report --format sarif work from the tarball"

cat > check-types.ts <<'TS'
import { App, Validations } from 'aws-cdk-lib';
import { BisChecks, BisRole, type BisChecksProps } from 'cdk-bis';
const props: BisChecksProps = { failOn: 'warning', levels: { 'BIS-AV4': 'error' } };
const app = new App();
Validations.of(app).addPlugins(new BisChecks(app, props));
export const role: string = BisRole.of(new (require('aws-cdk-lib').Stack)(app, 'S')).role;
TS
npx tsc --noEmit --strict --esModuleInterop --skipLibCheck --module commonjs --target es2022 --types node check-types.ts
echo "consumer smoke: TypeScript declarations resolve"

# Portable functions: a handler module written against cdk-bis/runtime types, deployed by
# PortableFunction from the package, bundled by the app's local esbuild.
mkdir -p functions/hello
cat > functions/hello/index.ts <<'TS'
import type { HttpHandler } from 'cdk-bis/runtime';

export const http: HttpHandler = async (request, ctx) =>
  Response.json({ hello: new URL(request.url).pathname, requestId: ctx.requestId });
TS
cat > functions-app.js <<'JS'
const { App, Stack, Tags, Validations } = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { BisChecks, PortableFunction } = require('cdk-bis');

const app = new App();
Validations.of(app).addPlugins(new BisChecks(app, { failOn: 'warning' }));
Tags.of(app).add('bis:owner', 'consumer');
Tags.of(app).add('bis:cost-center', 'cc-smoke');
const stack = new Stack(app, 'ConsumerFunctions');
const hello = new PortableFunction(stack, 'Hello', { entry: 'functions/hello/index.ts' });
hello.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
app.synth();
JS
npx cdk synth --app "node functions-app.js" --output cdk.out.functions --quiet >synth-functions.out 2>&1 || {
  echo "consumer smoke: the PortableFunction stack failed cdk synth (BisChecks with failOn warning)" >&2
  cat synth-functions.out >&2
  exit 1
}
bundle="$(node -p "const t=require('./cdk.out.functions/ConsumerFunctions.template.json'); const fn=Object.values(t.Resources).find(r => r.Type === 'AWS::Lambda::Function' && r.Metadata && r.Metadata['cdk-bis:portable-function']); 'cdk.out.functions/asset.' + fn.Properties.Code.S3Key.replace(/\.zip$/, '') + '/index.js'")"
[ -f "$bundle" ] || { echo "consumer smoke: no bundle at $bundle" >&2; exit 1; }
node -e "
  const { handler } = require('./$bundle');
  const event = { version: '2.0', rawPath: '/smoke', rawQueryString: '', headers: { host: 'x.lambda-url.eu-west-1.on.aws' }, isBase64Encoded: false,
    requestContext: { requestId: 'smoke-1', http: { method: 'GET', path: '/smoke', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7' } } };
  handler(event, { awsRequestId: 'smoke-1', getRemainingTimeInMillis: () => 30000 }).then((result) => {
    const body = JSON.parse(result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body);
    if (result.statusCode !== 200 || body.hello !== '/smoke' || body.requestId !== 'smoke-1') {
      console.error('unexpected result', JSON.stringify(result));
      process.exit(1);
    }
  });
" >bundle-run.out || { echo "consumer smoke: the bundled handler did not answer the v2 event" >&2; cat bundle-run.out >&2; exit 1; }
echo "consumer smoke: PortableFunction from the tarball passes BisChecks (failOn warning), bundles with the app's esbuild, and the bundle answers a v2 event"

cat > check-runtime-types.ts <<'TS'
import { awsLambdaHttp, gcpHttp, LocalObjectStore, type HttpHandler } from 'cdk-bis/runtime';
import { PortableFunction, type PortableFunctionProps } from 'cdk-bis';
const handler: HttpHandler = () => new Response('ok');
export const lambdaHandler = awsLambdaHttp(handler);
export const register = (): void => gcpHttp('hello', handler);
export const store = new LocalObjectStore('./.lake');
export const props: PortableFunctionProps = { entry: 'functions/hello/index.ts', handler: 'http' };
export type Construct = PortableFunction;
TS
# `exports` subpaths need node16 (or bundler) module resolution.
npx tsc --noEmit --strict --skipLibCheck --module node16 --moduleResolution node16 --target es2022 --types node --lib es2022,dom \
  check-runtime-types.ts functions/hello/index.ts
echo "consumer smoke: cdk-bis/runtime and PortableFunction types resolve"

# A product team's app, written from BIS-DI1's fix and the README only: an API, two functions, a
# lake table and uploads to the landing zone. It must pass BisChecks (failOn warning) and have no
# AwsSolutions error, with no acknowledgement written by the team.
cat > product-app.js <<'JS'
const { App, Stack, Tags, Validations } = require('aws-cdk-lib');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const { HttpJwtAuthorizer } = require('aws-cdk-lib/aws-apigatewayv2-authorizers');
const { AwsSolutionsChecks } = require('cdk-nag');
const { BisChecks, DataLake, DataLakeStack, PortableFunction, WebApi } = require('cdk-bis');

const app = new App();
Validations.of(app).addPlugins(new BisChecks(app, { failOn: 'warning' }));
Tags.of(app).add('bis:owner', 'team-shop');
Tags.of(app).add('bis:cost-center', 'cc-shop');
const platform = new DataLakeStack(app, 'DataLake', { lakeName: 'enterprise' });
platform.lake.addTable('Orders', {
  tableName: 'orders',
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
});
const shop = new Stack(app, 'Shop');
shop.addStackDependency(platform);
const lake = DataLake.fromLakeName(shop, 'Lake', 'enterprise');
const web = new WebApi(shop, 'Web', {
  defaultAuthorizer: new HttpJwtAuthorizer('Sso', 'https://login.example.com/', { jwtAudience: ['shop'] }),
});
const orders = new PortableFunction(shop, 'Orders', { entry: 'functions/hello/index.ts' });
lake.table('orders').grantReadWriteData(orders);
orders.addHttpRoute(web, { path: '/orders/{proxy+}' });
const uploads = new PortableFunction(shop, 'Uploads', {
  entry: 'functions/hello/index.ts',
  stores: { buckets: { landing: lake.zoneBucketName('landing') }, kmsKeyArn: lake.keyArn },
});
lake.grantWrite(uploads, { kinds: ['documents'] });
uploads.addHttpRoute(web, { path: '/uploads/{proxy+}' });
app.synth();
// AwsSolutions warnings are advice; its errors are what the team would have to acknowledge.
const errors = new AwsSolutionsChecks().validateScope(app).violations.filter((v) => v.severity === 'error');
if (errors.length > 0) {
  console.error(JSON.stringify(errors.map((v) => [v.ruleName, v.violatingResources]), null, 2));
  process.exit(1);
}
JS
npx cdk synth --app "node product-app.js" --output cdk.out.product --quiet >synth-product.out 2>&1 || {
  echo "consumer smoke: the product team's app failed cdk synth (BisChecks failOn warning, AwsSolutionsChecks)" >&2
  cat synth-product.out >&2
  exit 1
}
node -e "const t=JSON.stringify(require('./cdk.out.product/Shop.template.json')); if (t.includes('Fn::ImportValue')) process.exit(1)" \
  || { echo "consumer smoke: the product team's app imports a cross-stack value" >&2; exit 1; }
echo "consumer smoke: a product team's app (API, two functions, a lake table, uploads) passes BisChecks and AwsSolutions with no acknowledgement of its own"

# Org rules: a platform team's own rule, written against cdk-bis/rules in the consumer app, fails
# synth, is acknowledged with BIS::ACME-1, and checks a template through cdk-bis scan --rules.
cat > org-rules.js <<'JS'
const { COMPLIANT, defineRule, literalString, nonCompliant } = require('cdk-bis/rules');

module.exports = [
  defineRule(__filename, {
    id: 'ACME-1',
    title: 'Queues are named acme-*',
    rationale: 'The on-call runbook finds queues by their acme- prefix.',
    fix: 'Give the queue a queueName starting with acme-.',
    level: 'error',
    resourceTypes: ['AWS::SQS::Queue'],
  }, (queue) => (literalString(queue.properties.QueueName) ?? '').startsWith('acme-')
    ? COMPLIANT
    : nonCompliant('The queue is not named acme-*.')),
];
JS
cat > org-app.js <<'JS'
const { App, Stack, Validations } = require('aws-cdk-lib');
const sqs = require('aws-cdk-lib/aws-sqs');
const { BisChecks } = require('cdk-bis');

const app = new App();
// The BIS rules are switched off here so that the org rule alone decides the synth.
Validations.of(app).addPlugins(new BisChecks(app, { rules: require('./org-rules'), disable: new BisChecks().ruleIds }));
const queue = new sqs.Queue(new Stack(app, 'ConsumerOrg'), 'Jobs');
if (process.env.ACKNOWLEDGE === '1') {
  Validations.of(queue).acknowledge({ id: 'BIS::ACME-1', reason: 'consumer smoke test: acknowledged on purpose' });
}
app.synth();
JS
set +e
npx cdk synth --app "node org-app.js" --output cdk.out.org --quiet >synth-org.out 2>&1
status=$?
set -e
[ "$status" -ne 0 ] || { echo "consumer smoke: the org rule did not fail cdk synth" >&2; cat synth-org.out >&2; exit 1; }
grep -q "ACME-1" synth-org.out || { echo "consumer smoke: no ACME-1 error in the synth output" >&2; cat synth-org.out >&2; exit 1; }
ACKNOWLEDGE=1 npx cdk synth --app "node org-app.js" --output cdk.out.org --quiet >synth-org-ack.out 2>&1 || {
  echo "consumer smoke: the acknowledged org finding still failed cdk synth" >&2
  cat synth-org-ack.out >&2
  exit 1
}
echo '{ "Resources": { "Jobs": { "Type": "AWS::SQS::Queue", "Properties": { "QueueName": "jobs" } } } }' > queue.template.json
set +e
npx cdk-bis scan queue.template.json --rules ./org-rules.js --format json --output org-scan.json
scan_status=$?
set -e
[ "$scan_status" -eq 1 ] || { echo "consumer smoke: cdk-bis scan --rules exited $scan_status, expected 1" >&2; exit 1; }
node -e "const r=JSON.parse(require('fs').readFileSync('org-scan.json','utf8')); if (!r.findings.some(f => f.ruleId === 'ACME-1')) process.exit(1)" \
  || { echo "consumer smoke: cdk-bis scan --rules did not report ACME-1" >&2; exit 1; }
npx cdk-bis rules --rules ./org-rules.js | grep -q "### ACME-1 org-rules: Queues are named acme-\*" \
  || { echo "consumer smoke: cdk-bis rules --rules does not list ACME-1" >&2; exit 1; }
cat > check-org-types.ts <<'TS'
import { defineRule, nonCompliant, valueAt, type AppIndex, type BisRule } from 'cdk-bis/rules';
export const rule: BisRule = defineRule(__filename, {
  id: 'ACME-2', title: 'T', rationale: 'R.', fix: 'F.', level: 'warning', resourceTypes: ['AWS::S3::Bucket'],
}, (resource, index: AppIndex) => nonCompliant(`${String(valueAt(resource.properties, 'BucketName'))} ${index.stacks.length}`));
TS
npx tsc --noEmit --strict --skipLibCheck --module node16 --moduleResolution node16 --target es2022 --types node check-org-types.ts
echo "consumer smoke: an org rule from cdk-bis/rules fails synth, is acknowledged, runs in cdk-bis scan --rules and cdk-bis rules, and type-checks"

# The shipped CI recipes, run as GitLab and GitHub Actions would, against an app whose error is in a Stage.
node "$repo/.ci/ci-recipes-e2e.js"


# Baselines: an existing app adopts the pack without fixing everything first; a new error still fails.
cat > baseline-app.js <<'JS'
const { App, Stack, Validations } = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');
const { BisChecks, BisRole } = require('cdk-bis');

const app = new App();
Validations.of(app).addPlugins(new BisChecks(app, process.env.BASELINE ? { baseline: process.env.BASELINE } : {}));
const lake = new Stack(app, 'LegacyLake');
BisRole.of(lake).set('data-platform');
new s3.Bucket(lake, 'Legacy');
if (process.env.NEW_BUCKET === '1') new s3.Bucket(lake, 'Added');
app.synth();
JS
set +e
npx cdk synth --app "node baseline-app.js" --output cdk.out.baseline --quiet >/dev/null 2>&1
set -e
npx cdk-bis baseline cdk.out.baseline --output bis-baseline.json >/dev/null
node -e "const b=JSON.parse(require('fs').readFileSync('bis-baseline.json','utf8')); if (b.version !== 1 || !b.findings.some(f => f.constructPath === 'LegacyLake/Legacy/Resource')) process.exit(1)" \
  || { echo "consumer smoke: bis-baseline.json lacks the legacy bucket's findings" >&2; cat bis-baseline.json >&2; exit 1; }
BASELINE=bis-baseline.json npx cdk synth --app "node baseline-app.js" --output cdk.out.baseline --quiet >synth-baseline.out 2>&1 || {
  echo "consumer smoke: findings in the baseline still failed cdk synth" >&2
  cat synth-baseline.out >&2
  exit 1
}
npx cdk-bis report cdk.out.baseline --baseline bis-baseline.json --format text >/dev/null \
  || { echo "consumer smoke: cdk-bis report --baseline failed on baselined findings" >&2; exit 1; }
set +e
NEW_BUCKET=1 BASELINE=bis-baseline.json npx cdk synth --app "node baseline-app.js" --output cdk.out.baseline --quiet >/dev/null 2>&1
new_status=$?
set -e
[ "$new_status" -ne 0 ] || { echo "consumer smoke: a finding not in the baseline passed cdk synth" >&2; exit 1; }
echo "consumer smoke: cdk-bis baseline writes the legacy findings; synth passes with them and fails on a new one"

# The lake's own services deployed from the package, as the README shows them: the compiled handlers
# (CommonJS that require ESM-only packages) bundle for Lambda, and synth is clean under BisChecks.
cat > services-app.js <<'JS'
const { App, Validations } = require('aws-cdk-lib');
const { BisChecks, DataLakeStack, LakeServicesStack } = require('cdk-bis');

const app = new App();
Validations.of(app).addPlugins(new BisChecks(app));
const lake = new DataLakeStack(app, 'DataLake', {
  lakeName: 'acme',
  browserUploadOrigins: ['https://catalog.acme.example'],
});
const services = new LakeServicesStack(app, 'LakeServices', {
  lakeName: 'acme',
  publicAccessReason: 'consumer smoke test: an evaluation deployment',
});
services.addStackDependency(lake);
app.synth();
JS
npx cdk synth --app "node services-app.js" --output cdk.out.services --quiet >synth-services.out 2>&1 || {
  echo "consumer smoke: DataLakeStack + LakeServicesStack from the package failed cdk synth" >&2
  cat synth-services.out >&2
  exit 1
}
grep -q 'BIS: 0 errors, 0 warnings, 0 infos' synth-services.out \
  || { echo "consumer smoke: the lake services have BIS findings" >&2; cat synth-services.out >&2; exit 1; }
bundles="$(find cdk.out.services -path '*asset.*' -name index.js | wc -l)"
[ "$bundles" -ge 3 ] || { echo "consumer smoke: expected the three service bundles, found $bundles" >&2; exit 1; }
echo "consumer smoke: the lake services bundle from the package and synthesize clean under BisChecks"

# A unit test as the README describes it: validateScope on a stack never synthesized renders the
# constructs itself (grants, joined strings, JSON definitions) and reaches the verdicts synth reaches.
cat > unit-test.js <<'JS'
const assert = require('node:assert');
const { App, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const lambda = require('aws-cdk-lib/aws-lambda');
const s3 = require('aws-cdk-lib/aws-s3');
const sfn = require('aws-cdk-lib/aws-stepfunctions');
const { BisChecks } = require('cdk-bis');

const app = new App();
const stack = new Stack(app, 'Orders');
const bucket = new s3.Bucket(stack, 'Uploads', { enforceSSL: true });
const fn = new lambda.Function(stack, 'Handler', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => {}'),
  environment: { BUCKET: bucket.bucketName, INBOX: `s3://${bucket.bucketName}/in` },
});
bucket.grantRead(fn);
const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
admin.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
new sfn.StateMachine(stack, 'Flow', {
  definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Read', { parameters: { Bucket: bucket.bucketName } })),
});
const verdicts = (report) =>
  report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)).sort();
const before = new BisChecks().validateScope(stack);
assert.strictEqual(before.success, false);
assert.ok(verdicts(before).includes('BIS-TR6 Orders/Admin/DefaultPolicy/Resource'), verdicts(before).join('\n'));
app.synth();
assert.deepStrictEqual(verdicts(new BisChecks().validateScope(stack)), verdicts(before));
JS
node unit-test.js || { echo "consumer smoke: validateScope before synth differs from the verdicts at synth" >&2; exit 1; }
echo "consumer smoke: validateScope in a unit test (no synth) reaches the verdicts synth reaches"
