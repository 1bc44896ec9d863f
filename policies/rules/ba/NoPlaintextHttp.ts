import { MemoKey, type AppIndex } from '../../engine/app-index';
import type { StackInfo, TemplateResource } from '../../engine/template-resource';
import {
  isIntrinsic,
  isObject,
  listAt,
  literalNumber,
  literalString,
  mayBeAbsent,
  possibleValues,
  referencedLogicalId,
  valueAt,
} from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type Verdict } from '../../rule';
import {
  ACCOUNT_CONDITION_KEYS,
  allows,
  literalsOf,
  publicPrincipal,
  restrictedBy,
  statementsOf,
} from '../tr/policy-statements';
import { nonRedirectActions } from './listener-actions';

export default defineRule(
  __filename,
  {
    id: 'BIS-BA3',
    title: 'Browsers reach applications over HTTPS only',
    rationale:
      'A browser entry point that answers in plain HTTP, or accepts TLS below 1.2, lets anyone on the path (public Wi-Fi, a compromised router) read and alter sessions, cookies and data. Browsers flag such pages as not secure. ' +
      'What counts as plaintext HTTP: an ELBv2 HTTP listener (or rule) that does anything but redirect to HTTPS; a classic ELB HTTP listener, or TCP on port 80; a TCP or TCP_UDP listener on port 80 of a Network Load Balancer that is not literally `internal` (it cannot redirect); ' +
      'a CloudFront behavior that allows HTTP; and an S3 website endpoint (a bucket with WebsiteConfiguration, which S3 serves over HTTP only) that is publicly readable (a bucket policy that allows s3:GetObject to everyone without an account condition, or a PublicRead ACL) or that a CloudFront distribution of the stack uses as its origin. ' +
      'A website configuration that only redirects every request to HTTPS (RedirectAllRequestsTo with Protocol https) is a redirect and passes. ' +
      'A distribution on the default *.cloudfront.net certificate (no ViewerCertificate, or CloudFrontDefaultCertificate: true) is flagged: CloudFront then applies the TLSv1 security policy whatever MinimumProtocolVersion says, so viewers may connect with TLS 1.0 and 1.1.',
    fix:
      'ALB: serve HTTPS and turn port 80 into a redirect (`alb.addRedirect()`, or DefaultActions `[{ Type: redirect, ' +
      'RedirectConfig: { Protocol: HTTPS, Port: 443, StatusCode: HTTP_301 } }]`). Classic ELB: replace it with an ALB, ' +
      'classic load balancers cannot redirect. CloudFront: `viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS` ' +
      '(ViewerProtocolPolicy redirect-to-https or https-only) on every behavior, and `minimumProtocolVersion: ' +
      'SecurityPolicyProtocol.TLS_V1_2_2021` (ViewerCertificate.MinimumProtocolVersion TLSv1.2_2021); on the default *.cloudfront.net ' +
      "certificate that minimum is ignored, so serve the distribution on your own domain: `domainNames: ['app.example.com']` with " +
      '`certificate`, an ACM certificate in us-east-1 (`new acm.Certificate(...)` in a us-east-1 stack, with `crossRegionReferences: true` ' +
      'on the stacks), and `minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021`. Network Load Balancer: listen with ' +
      '`protocol: Protocol.TLS` on 443 and a certificate instead of TCP on 80, or put an ALB with an HTTPS listener and a port-80 redirect ' +
      'in front. S3 website: keep the bucket private (`blockPublicAccess: BlockPublicAccess.BLOCK_ALL`, no `publicReadAccess`, no ' +
      '`websiteIndexDocument`) and serve it through CloudFront with an origin access control ' +
      "(`origins.S3BucketOrigin.withOriginAccessControl(bucket)`, `defaultRootObject: 'index.html'`).",
    level: 'error',
    resourceTypes: [
      'AWS::ElasticLoadBalancingV2::Listener',
      'AWS::ElasticLoadBalancingV2::ListenerRule',
      'AWS::ElasticLoadBalancing::LoadBalancer',
      'AWS::CloudFront::Distribution',
      'AWS::S3::Bucket',
    ],
  },
  (resource, index) => {
    const props = resource.properties;
    switch (resource.type) {
      case 'AWS::ElasticLoadBalancingV2::Listener': {
        const tcp = tcpPort80(resource, index);
        if (tcp !== undefined) return nonCompliant(tcp);
        const protocol = plaintextProtocol(props.Protocol);
        if (protocol === undefined) return COMPLIANT;
        const problem = nonRedirectActions(props.DefaultActions, 'DefaultActions');
        const port = literalNumber(props.Port);
        const where = `The listener (Protocol ${protocol}${port === undefined ? '' : `, port ${port}`})`;
        return problem ? nonCompliant(`${where} ${serves(protocol)} plaintext HTTP: ${problem}.`) : COMPLIANT;
      }
      case 'AWS::ElasticLoadBalancingV2::ListenerRule': {
        const listener = index.referencedResource(resource, props.ListenerArn);
        // A listener outside the template (imported ARN) cannot be judged from here.
        if (!listener) return NOT_APPLICABLE;
        const protocol = plaintextProtocol(listener.properties.Protocol);
        if (protocol === undefined) return COMPLIANT;
        const problem = nonRedirectActions(props.Actions, 'Actions');
        return problem
          ? nonCompliant(
              `The rule of listener ${listener.logicalId} (Protocol ${protocol}) ${serves(protocol)} plaintext HTTP: ${problem}.`,
            )
          : COMPLIANT;
      }
      case 'AWS::ElasticLoadBalancing::LoadBalancer':
        return classicListeners(props.Listeners);
      case 'AWS::CloudFront::Distribution':
        return distribution(props.DistributionConfig);
      case 'AWS::S3::Bucket':
        return websiteEndpoint(resource, index);
      default:
        return NOT_APPLICABLE;
    }
  },
);

const COMPUTED_PROTOCOL = 'computed at deploy time';

function serves(protocol: string): string {
  return protocol === COMPUTED_PROTOCOL ? 'may serve' : 'serves';
}

/** 'HTTP', or 'computed' when the protocol is decided at deploy time, or undefined when it is not HTTP. */
function plaintextProtocol(protocol: unknown): string | undefined {
  for (const value of possibleValues(protocol)) {
    const literal = literalString(value);
    if (literal === undefined) return COMPUTED_PROTOCOL; // Fail closed: it may be HTTP.
    if (literal.toUpperCase() === 'HTTP') return literal;
  }
  return undefined;
}

/** A classic load balancer cannot redirect: any HTTP listener, or TCP on port 80, is plaintext web traffic. */
function classicListeners(listeners: unknown): Verdict {
  const problems: string[] = [];
  for (const list of possibleValues(listeners)) {
    const entries = Array.isArray(list) ? list.flatMap((entry) => possibleValues(entry)) : [];
    for (const listener of entries) {
      if (!isObject(listener)) continue;
      const protocol = literalString(listener.Protocol);
      const port = literalNumber(listener.LoadBalancerPort);
      const portText = port === undefined ? 'a computed port' : `port ${port}`;
      if (protocol === undefined) {
        // Fail closed: a computed protocol may be HTTP.
        problems.push(`a listener on ${portText} has a Protocol computed at deploy time`);
      } else if (protocol.toUpperCase() === 'HTTP') {
        problems.push(`listener Protocol ${protocol} on ${portText} serves plaintext HTTP`);
      } else if (protocol.toUpperCase() === 'TCP' && port === 80) {
        problems.push(`listener Protocol ${protocol} on port 80 carries plaintext HTTP`);
      }
    }
  }
  return problems.length === 0
    ? COMPLIANT
    : nonCompliant(`Classic load balancer: ${problems.join('; ')}. A classic ELB cannot redirect to HTTPS.`);
}

const TLS_12_OR_LATER = /^TLSv1\.[23]/;

function distribution(config: unknown): Verdict {
  const problems: string[] = [];
  const behaviors: [string, unknown][] = [['DefaultCacheBehavior', valueAt(config, 'DefaultCacheBehavior')]];
  for (const list of possibleValues(valueAt(config, 'CacheBehaviors'))) {
    if (!Array.isArray(list)) continue;
    list.forEach((behavior) => {
      const pattern = literalString(valueAt(behavior, 'PathPattern')) ?? 'computed path';
      behaviors.push([`CacheBehaviors '${pattern}'`, behavior]);
    });
  }
  for (const [name, behavior] of behaviors) {
    for (const policy of possibleValues(valueAt(behavior, 'ViewerProtocolPolicy'))) {
      const literal = literalString(policy);
      if (literal === undefined) {
        // Fail closed: a computed policy may be allow-all.
        problems.push(
          `${name} ViewerProtocolPolicy is computed at deploy time; it must be a literal redirect-to-https or https-only`,
        );
        break;
      }
      if (literal === 'allow-all') {
        problems.push(`${name} ViewerProtocolPolicy is 'allow-all', so viewers may use plaintext HTTP`);
        break;
      }
    }
  }
  // A config CloudFormation would reject (not an object) has no certificate to judge.
  if (isObject(config) && !isIntrinsic(config))
    problems.push(...certificateProblems(valueAt(config, 'ViewerCertificate')));
  return problems.length === 0 ? COMPLIANT : nonCompliant(`${problems.join('. ')}.`);
}

/** Why the viewer certificate lets viewers use TLS below 1.2, in every branch of an `Fn::If`. */
function certificateProblems(certificate: unknown): string[] {
  const branches = possibleValues(certificate);
  const problems: string[] = [];
  if (mayBeAbsent(certificate)) {
    problems.push(DEFAULT_CERTIFICATE('there is no ViewerCertificate'));
  }
  for (const branch of branches) {
    if (branch === null) continue;
    if (!isObject(branch) || isIntrinsic(branch)) {
      problems.push(
        'ViewerCertificate is computed at deploy time; it must name a custom certificate with TLSv1.2_2021',
      );
      continue;
    }
    const custom =
      valueAt(branch, 'AcmCertificateArn') !== undefined || valueAt(branch, 'IamCertificateId') !== undefined;
    if (!custom) {
      problems.push(DEFAULT_CERTIFICATE('ViewerCertificate is CloudFrontDefaultCertificate'));
      continue;
    }
    const versions = possibleValues(valueAt(branch, 'MinimumProtocolVersion'));
    if (versions.length === 0) {
      problems.push(
        'ViewerCertificate has a custom certificate but no MinimumProtocolVersion; set TLSv1.2_2021',
      );
    }
    for (const version of versions) {
      const literal = literalString(version);
      if (literal === undefined) {
        problems.push(
          'ViewerCertificate.MinimumProtocolVersion is computed at deploy time; it must be a literal TLSv1.2_* or later',
        );
        break;
      }
      if (!TLS_12_OR_LATER.test(literal)) {
        problems.push(`ViewerCertificate.MinimumProtocolVersion is '${literal}', below TLS 1.2`);
        break;
      }
    }
  }
  return [...new Set(problems)];
}

const DEFAULT_CERTIFICATE = (why: string): string =>
  `${why}, so the distribution is served on the default *.cloudfront.net certificate, where CloudFront applies the TLSv1 security policy ` +
  'and accepts TLS 1.0 and 1.1 whatever MinimumProtocolVersion says; serve it on your own domain with an ACM certificate (us-east-1) and TLSv1.2_2021';

/** Protocols of an ELBv2 listener that carry raw TCP: on port 80 that is plaintext HTTP. */
const TCP_PROTOCOLS = new Set(['TCP', 'TCP_UDP']);

/**
 * The finding for a TCP listener on port 80 of a load balancer reachable from the internet (not
 * literally `internal`; an imported one may be public), or undefined.
 */
function tcpPort80(listener: TemplateResource, index: AppIndex): string | undefined {
  const protocol = literalString(listener.properties.Protocol)?.toUpperCase();
  if (
    protocol === undefined ||
    !TCP_PROTOCOLS.has(protocol) ||
    literalNumber(listener.properties.Port) !== 80
  ) {
    return undefined;
  }
  const loadBalancer = index.referencedResource(listener, listener.properties.LoadBalancerArn);
  if (loadBalancer !== undefined && literalString(loadBalancer.properties.Scheme) === 'internal')
    return undefined;
  const where =
    loadBalancer === undefined ? 'a load balancer outside the template' : 'an internet-facing load balancer';
  return `The listener (Protocol ${protocol}, port 80) of ${where} carries plaintext HTTP: a TCP listener forwards the bytes as they come and cannot redirect to HTTPS.`;
}

/** Actions that read objects: what a browser needs from a website endpoint. */
const READ_ACTIONS = /^(\*|s3:\*|s3:Get\*|s3:GetObject\*?)$/i;

/** The finding for a bucket whose S3 website endpoint (HTTP only) is reachable, or compliant/not applicable. */
function websiteEndpoint(bucket: TemplateResource, index: AppIndex): Verdict {
  const website = possibleValues(bucket.properties.WebsiteConfiguration).filter((value) => value !== null);
  if (website.length === 0) return NOT_APPLICABLE;
  // A website that redirects every request to HTTPS answers HTTP only with that redirect, as an ALB redirect does.
  const redirectsToHttps = website.every(
    (config) =>
      literalString(valueAt(config, 'RedirectAllRequestsTo', 'Protocol'))?.toLowerCase() === 'https',
  );
  if (redirectsToHttps) return COMPLIANT;
  const reasons = websiteAudience(index, bucket.stack).get(bucket.logicalId) ?? [];
  const acl = literalString(bucket.properties.AccessControl);
  if (acl === 'PublicRead' || acl === 'PublicReadWrite') reasons.unshift(`its AccessControl is ${acl}`);
  if (reasons.length === 0) return COMPLIANT;
  return nonCompliant(
    `The bucket has a WebsiteConfiguration, and S3 website endpoints serve plaintext HTTP only; it is reachable because ${reasons.join(' and ')}.`,
  );
}

/** Per bucket logical ID, why its website endpoint is reachable: public-read policy statements and CloudFront origins. */
const WEBSITE_AUDIENCE = new MemoKey<Map<string, string[]>>('ba-website-endpoint-audience');

function websiteAudience(index: AppIndex, stack: StackInfo): Map<string, string[]> {
  return index.memo(WEBSITE_AUDIENCE, stack, () => {
    const reasons = new Map<string, string[]>();
    const add = (logicalId: string, reason: string): void => {
      reasons.set(logicalId, [...(reasons.get(logicalId) ?? []), reason]);
    };
    for (const policy of index.resourcesOfType(stack, 'AWS::S3::BucketPolicy')) {
      const bucket = referencedLogicalId(policy.properties.Bucket);
      if (bucket === undefined) continue;
      for (const { statement, label } of statementsOf(policy.properties.PolicyDocument)) {
        if (!allows(statement) || publicPrincipal(statement) === undefined) continue;
        if (restrictedBy(statement, ACCOUNT_CONDITION_KEYS)) continue;
        if (!literalsOf(statement.Action).some((action) => READ_ACTIONS.test(action))) continue;
        add(bucket, `bucket policy ${policy.logicalId} statement ${label} lets everyone read its objects`);
      }
    }
    for (const distribution of index.resourcesOfType(stack, 'AWS::CloudFront::Distribution')) {
      for (const origin of listAt(distribution.properties, 'DistributionConfig', 'Origins')) {
        for (const bucket of websiteUrlReferences(valueAt(origin, 'DomainName'))) {
          add(
            bucket,
            `distribution ${distribution.logicalId} uses its website endpoint as an origin (over HTTP)`,
          );
        }
      }
    }
    return reasons;
  });
}

/** The buckets whose `WebsiteURL` a value is built from (CDK's `bucketWebsiteDomainName` splits it). */
function websiteUrlReferences(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) websiteUrlReferences(item, found);
  } else if (isObject(value)) {
    const getAtt = value['Fn::GetAtt'];
    const [logicalId, attribute] = Array.isArray(getAtt)
      ? getAtt
      : typeof getAtt === 'string'
        ? getAtt.split('.')
        : [];
    if (typeof logicalId === 'string' && attribute === 'WebsiteURL') found.push(logicalId);
    for (const inner of Object.values(value)) websiteUrlReferences(inner, found);
  }
  return found;
}
