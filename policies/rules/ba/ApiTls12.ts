import { isIntrinsic, isObject, literalString, possibleValues, valueAt } from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';

/** TLS_1_2 and the enhanced policies (SecurityPolicy_TLS13_*, SecurityPolicy_TLS12_*) refuse TLS 1.0 and 1.1. */
const TLS_12_OR_LATER = /^(TLS_1_2|SecurityPolicy_TLS1[23](_.*)?)$/;

/** REST custom domains: CloudFormation omits the policy and API Gateway's legacy default is TLS_1_0. */
const REST_DEFAULT =
  "API Gateway then applies its legacy default for REST custom domains, TLS_1_0 (aws-cdk-lib's apigateway.DomainName documents TLS_1_2 as its default but renders no SecurityPolicy)";
/** HTTP/WebSocket and private custom domains: nothing in the template pins the TLS version. */
const UNPINNED = 'the template then does not pin the minimum TLS version';

export default defineRule(
  __filename,
  {
    id: 'BIS-BA4',
    title: 'API custom domains refuse TLS below 1.2',
    rationale:
      'An API custom domain on the TLS_1_0 policy still accepts TLS 1.0 and 1.1, deprecated since 2021 (RFC 8996) and exposed to downgrade attacks; every current browser speaks TLS 1.2, so nothing legitimate needs the older versions.',
    fix:
      'Set the security policy of every custom domain: `securityPolicy: apigateway.SecurityPolicy.TLS_1_2` on apigateway.DomainName ' +
      '(SecurityPolicy: TLS_1_2, or a SecurityPolicy_TLS13_* policy with EndpointAccessMode), `securityPolicy: ' +
      'apigatewayv2.SecurityPolicy.TLS_1_2` on apigatewayv2.DomainName (DomainNameConfigurations[].SecurityPolicy), and ' +
      'Domain.SecurityPolicy: TLS_1_2 on AWS::Serverless::Api and AWS::Serverless::HttpApi.',
    level: 'error',
    resourceTypes: [
      'AWS::ApiGateway::DomainName',
      'AWS::ApiGateway::DomainNameV2',
      'AWS::ApiGatewayV2::DomainName',
      'AWS::Serverless::Api',
      'AWS::Serverless::HttpApi',
    ],
  },
  (resource) => {
    const props = resource.properties;
    const problems: string[] = [];
    switch (resource.type) {
      case 'AWS::ApiGateway::DomainName':
        problems.push(...judgePolicy(props.SecurityPolicy, 'SecurityPolicy', REST_DEFAULT));
        break;
      case 'AWS::ApiGateway::DomainNameV2': // Private custom domains.
        problems.push(...judgePolicy(props.SecurityPolicy, 'SecurityPolicy', UNPINNED));
        break;
      case 'AWS::ApiGatewayV2::DomainName': {
        for (const list of possibleValues(props.DomainNameConfigurations)) {
          if (!Array.isArray(list)) {
            // Fail closed: a computed configuration list may carry any policy.
            problems.push(
              'DomainNameConfigurations is computed at deploy time; its SecurityPolicy must be a literal TLS_1_2',
            );
            continue;
          }
          list.forEach((configuration, position) => {
            for (const option of possibleValues(configuration)) {
              const name = `DomainNameConfigurations[${position}].SecurityPolicy`;
              problems.push(...judgePolicy(valueAt(option, 'SecurityPolicy'), name, UNPINNED));
            }
          });
        }
        break;
      }
      default: {
        // SAM APIs: only a Domain creates a custom domain.
        const domains = possibleValues(props.Domain).filter((domain) => domain !== null);
        if (domains.length === 0) return NOT_APPLICABLE;
        const absent = resource.type === 'AWS::Serverless::Api' ? REST_DEFAULT : UNPINNED;
        for (const domain of domains) {
          if (!isObject(domain) || isIntrinsic(domain)) {
            problems.push('Domain is computed at deploy time; its SecurityPolicy must be a literal TLS_1_2');
          } else {
            problems.push(...judgePolicy(valueAt(domain, 'SecurityPolicy'), 'Domain.SecurityPolicy', absent));
          }
        }
      }
    }
    return problems.length === 0 ? COMPLIANT : nonCompliant(`${[...new Set(problems)].join('. ')}.`);
  },
);

/** The problems with one SecurityPolicy value: absent, computed, or a literal below TLS 1.2. */
function judgePolicy(value: unknown, name: string, whenAbsent: string): string[] {
  const options = possibleValues(value);
  if (options.length === 0) return [`${name} is absent; ${whenAbsent}. Set TLS_1_2`];
  const problems: string[] = [];
  for (const option of options) {
    const literal = literalString(option);
    if (literal === undefined) {
      // Fail closed: a parameter or import may hold TLS_1_0.
      problems.push(
        `${name} is computed at deploy time; it must be a literal TLS_1_2 or SecurityPolicy_TLS13_* policy`,
      );
    } else if (!TLS_12_OR_LATER.test(literal)) {
      problems.push(`${name} is '${literal}', which accepts TLS below 1.2`);
    }
  }
  return problems;
}
