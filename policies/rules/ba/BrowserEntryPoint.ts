import { MemoKey, type AppIndex } from '../../engine/app-index';
import { isCdkSupportStack } from '../../engine/cdk-machinery';
import type { TemplateResource } from '../../engine/template-resource';
import {
  isIntrinsic,
  isObject,
  literalString,
  possibleValues,
  stringList,
  valueAt,
} from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { nonRedirectActions } from './listener-actions';

/** What the rule accepts as a browser entry point, for the message. */
const ACCEPTED_KINDS =
  'an API Gateway REST API (AWS::ApiGateway::RestApi, AWS::Serverless::Api), an HTTP or WebSocket API ' +
  '(AWS::ApiGatewayV2::Api, AWS::Serverless::HttpApi), a Lambda function URL (AWS::Lambda::Url, SAM ' +
  'FunctionUrlConfig or an Api/HttpApi event), a CloudFront distribution, an internet-facing ALB with an HTTPS ' +
  'listener (or an HTTP one that serves, which BIS-BA3 reports as plaintext), an AppSync API, an Amplify app or ' +
  'a MediaPackage origin endpoint (AWS::MediaPackage::OriginEndpoint, AWS::MediaPackageV2::OriginEndpoint)';

/**
 * Whether a deployment unit has a browser entry point: asked for every unit of an application by each of
 * its stacks, computed once per unit and kept after the unit is released (else O(units²) reads).
 */
const HAS_ENTRY_POINT = new MemoKey<boolean>('ba-browser-entry-point', true);

export default defineRule(
  __filename,
  {
    id: 'BIS-BA1',
    title: 'Applications have an HTTPS browser entry point',
    rationale:
      'An application with no HTTPS web entry point can only be used through a thick client, a VPN or a terminal: it cannot be used from a Chromebook, and its users depend on software the enterprise must install and patch on every device. ' +
      'The rule judges an application, not each stack: a worker or pipeline stack passes when its application has an entry point elsewhere. ' +
      "An application is: the stacks that carry the same `bis:application` tag (`Tags.of(stack).add('bis:application', 'shop')`, or Metadata `bis:application` in a template); " +
      'else the stacks of one CDK Stage, with the Stages inside it (where CDK Pipelines put an application); else, for top-level stacks, the whole app, Stages included (the pipeline stack deploys them). ' +
      'Scanned templates follow the same layout: CDK templates in one directory of a cloud assembly, with its `assembly-<Stage>` directories; a hand-written template is an application of its own unless it declares `bis:application`. ' +
      'A MediaPackage origin endpoint (v1 or v2) is an entry point: it serves HLS/DASH over HTTPS that a browser plays (hls.js, dash.js, Safari). ' +
      'An internet-facing ALB whose HTTP listener serves pages is an entry point a browser reaches: one cause, one finding, so BIS-BA3 reports its plaintext and BA1 does not add a second error. ' +
      'Each application stack (with its nested stacks) is reported when its application has no entry point; entry points in data-platform stacks do not count. ' +
      "CodePipeline's own support stacks (`cross-region-stack-*`, `cross-account-support-stack-*`) are not applications and are not judged.",
    fix:
      'Give the application a browser entry point in one of its stacks: ' +
      'an `apigatewayv2.HttpApi` (AWS::ApiGatewayV2::Api), an `apigateway.RestApi` (AWS::ApiGateway::RestApi), ' +
      '`fn.addFunctionUrl()` (AWS::Lambda::Url), a `cloudfront.Distribution`, an ALB `addListener` with ' +
      '`protocol: ApplicationProtocol.HTTPS`, an `appsync.GraphqlApi`, an Amplify app or, for video, a MediaPackage origin endpoint (`mediapackage.CfnOriginEndpoint`, `mediapackagev2.CfnOriginEndpoint`); in SAM, an ' +
      '`AWS::Serverless::HttpApi`/`Api`, a function `FunctionUrlConfig` or an `Api`/`HttpApi` event. ' +
      'A stack whose entry point lives in another Stage or app: tag both with the same `bis:application` name.',
    level: 'error',
    resourceTypes: ['*'],
    findingsOn: 'stack',
  },
  (resource, index) => {
    const unit = resource.stack.deploymentUnit;
    // CodePipeline's cross-region and cross-account support stacks are pipeline plumbing, not applications.
    if (unit.role !== 'application' || isCdkSupportStack(unit)) return NOT_APPLICABLE;
    // A stack-level finding: only the unit's anchor carries it, so it is reported once per stack.
    if (index.stackAnchor(unit) !== resource) return NOT_APPLICABLE;
    const units = index.applicationUnits(unit).filter((candidate) => candidate.role !== 'data-platform');
    const hasEntryPoint = units.some((candidate) =>
      index.memo(HAS_ENTRY_POINT, candidate, () =>
        index
          .deploymentUnitStacks(candidate)
          .some((stack) => index.resourcesOf(stack).some((r) => isBrowserEntryPoint(r, index))),
      ),
    );
    if (hasEntryPoint) return COMPLIANT;
    const nested = index.deploymentUnitStacks(unit).length - 1;
    const stack =
      nested > 0 ? `Stack ${unit.path} (with its ${nested} nested stack(s))` : `Stack ${unit.path}`;
    const others = units.filter((candidate) => candidate !== unit).map((candidate) => candidate.path);
    const application = index.applicationScope(unit).description;
    const scope =
      others.length > 0
        ? `${stack} and the other stacks of its application (${application}: ${others.join(', ')}) have`
        : `${stack}, the only application stack of ${application}, has`;
    return nonCompliant(`${scope} no browser entry point. Accepted entry points: ${ACCEPTED_KINDS}.`);
  },
);

/** True when the resource is, or creates, an HTTPS entry point a browser on the internet can reach. */
function isBrowserEntryPoint(resource: TemplateResource, index: AppIndex): boolean {
  const props = resource.properties;
  switch (resource.type) {
    case 'AWS::ApiGatewayV2::Api': // HTTP and WebSocket APIs are both reachable from a browser.
    case 'AWS::Serverless::HttpApi':
    case 'AWS::Lambda::Url':
    case 'AWS::CloudFront::Distribution':
    case 'AWS::AppSync::Api':
    case 'AWS::Amplify::App':
    case 'AWS::MediaPackage::OriginEndpoint': // HLS/DASH over HTTPS, which a browser's video player reads.
    case 'AWS::MediaPackageV2::OriginEndpoint':
      return true;
    case 'AWS::ApiGateway::RestApi':
      return !isLiteralPrivate(valueAt(props, 'EndpointConfiguration', 'Types'));
    case 'AWS::Serverless::Api': {
      // SAM takes either the endpoint type as a string or `{ Type }`.
      const endpoint = valueAt(props, 'EndpointConfiguration');
      return !isLiteralPrivate(
        isObject(endpoint) && !isIntrinsic(endpoint) ? valueAt(endpoint, 'Type') : endpoint,
      );
    }
    case 'AWS::AppSync::GraphQLApi':
    case 'AWS::Serverless::GraphQLApi':
      return literalString(props.Visibility) !== 'PRIVATE';
    case 'AWS::Serverless::Function':
      return samFunctionHasWebEndpoint(props);
    case 'AWS::ElasticLoadBalancingV2::Listener': {
      if (isInternalLoadBalancer(resource, index)) return false;
      const protocol = literalString(props.Protocol);
      // An HTTP listener that serves (not only redirects) is an entry point: its plaintext is BIS-BA3's finding.
      return (
        protocol === 'HTTPS' ||
        (protocol === 'HTTP' && nonRedirectActions(props.DefaultActions, 'DefaultActions') !== undefined)
      );
    }
    default:
      return false;
  }
}

/** A literal endpoint type list (or single type) that is only PRIVATE; a computed one may be public. */
function isLiteralPrivate(types: unknown): boolean {
  const { literals, hasComputed } = stringList(types);
  return !hasComputed && literals.length > 0 && literals.every((type) => type.toUpperCase() === 'PRIVATE');
}

/** SAM creates a function URL for `FunctionUrlConfig`, and an implicit API for `Api`/`HttpApi` events. */
function samFunctionHasWebEndpoint(props: TemplateResource['properties']): boolean {
  if (possibleValues(props.FunctionUrlConfig).some((config) => config !== null)) return true;
  const events = props.Events;
  if (!isObject(events) || isIntrinsic(events)) return false;
  return Object.values(events).some((event) => {
    const type = literalString(valueAt(event, 'Type'));
    return type === 'Api' || type === 'HttpApi';
  });
}

/** The listener's load balancer is in the template and literally `internal` (reachable only inside the VPC). */
function isInternalLoadBalancer(listener: TemplateResource, index: AppIndex): boolean {
  const loadBalancer = index.referencedResource(listener, listener.properties.LoadBalancerArn);
  return loadBalancer !== undefined && literalString(loadBalancer.properties.Scheme) === 'internal';
}
