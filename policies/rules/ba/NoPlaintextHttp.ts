import {
  isObject,
  literalNumber,
  literalString,
  possibleValues,
  type TemplateValue,
  valueAt,
} from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type Verdict } from '../../rule';

export default defineRule(
  __filename,
  {
    id: 'BIS-BA3',
    title: 'Browsers reach applications over HTTPS only',
    rationale:
      'A browser entry point that answers in plain HTTP, or accepts TLS below 1.2, lets anyone on the path (public Wi-Fi, a compromised router) read and alter sessions, cookies and data. Browsers flag such pages as not secure.',
    fix:
      'ALB: serve HTTPS and turn port 80 into a redirect (`alb.addRedirect()`, or DefaultActions `[{ Type: redirect, ' +
      'RedirectConfig: { Protocol: HTTPS, Port: 443, StatusCode: HTTP_301 } }]`). Classic ELB: replace it with an ALB, ' +
      'classic load balancers cannot redirect. CloudFront: `viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS` ' +
      '(ViewerProtocolPolicy redirect-to-https or https-only) on every behavior, and `minimumProtocolVersion: ' +
      'SecurityPolicyProtocol.TLS_V1_2_2021` (ViewerCertificate.MinimumProtocolVersion TLSv1.2_2021).',
    level: 'error',
    resourceTypes: [
      'AWS::ElasticLoadBalancingV2::Listener',
      'AWS::ElasticLoadBalancingV2::ListenerRule',
      'AWS::ElasticLoadBalancing::LoadBalancer',
      'AWS::CloudFront::Distribution',
    ],
  },
  (resource, index) => {
    const props = resource.properties;
    switch (resource.type) {
      case 'AWS::ElasticLoadBalancingV2::Listener': {
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

/** Why the actions of an HTTP listener or rule are not a redirect to HTTPS, or undefined when they are. */
function nonRedirectActions(actions: unknown, property: string): string | undefined {
  const options = possibleValues(actions);
  if (options.length === 0) return `it has no ${property}, so nothing redirects to HTTPS`;
  for (const list of options) {
    if (!Array.isArray(list))
      return `${property} is computed at deploy time, so it is not provably a redirect to HTTPS`;
    const items = list.flatMap((action) => possibleValues(action));
    if (items.some(isRedirectToHttps)) continue;
    const types = items.map((action) => literalString(valueAt(action, 'Type')) ?? 'computed');
    return `its ${property} are ${types.length > 0 ? `'${types.join("', '")}'` : 'empty'}, not a redirect to HTTPS`;
  }
  return undefined;
}

function isRedirectToHttps(action: TemplateValue): boolean {
  return (
    literalString(valueAt(action, 'Type'))?.toLowerCase() === 'redirect' &&
    literalString(valueAt(action, 'RedirectConfig', 'Protocol')) === 'HTTPS'
  );
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
  const certificate = valueAt(config, 'ViewerCertificate');
  const customCertificate =
    valueAt(certificate, 'AcmCertificateArn') !== undefined ||
    valueAt(certificate, 'IamCertificateId') !== undefined;
  if (customCertificate) {
    const versions = possibleValues(valueAt(certificate, 'MinimumProtocolVersion'));
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
  return problems.length === 0 ? COMPLIANT : nonCompliant(`${problems.join('. ')}.`);
}
