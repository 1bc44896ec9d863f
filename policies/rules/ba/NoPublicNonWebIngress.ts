import type { AppIndex } from '../../engine/app-index';
import { type TemplateResource } from '../../engine/template-resource';
import {
  isObject,
  literalNumber,
  literalString,
  possibleValues,
  referencedLogicalId,
  type TemplateObject,
} from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant } from '../../rule';

/** Services people expose by mistake, named in messages so the finding reads at a glance. */
const WELL_KNOWN_PORTS: ReadonlyMap<number, string> = new Map([
  [20, 'FTP data'],
  [21, 'FTP'],
  [22, 'SSH'],
  [23, 'Telnet'],
  [25, 'SMTP'],
  [53, 'DNS'],
  [110, 'POP3'],
  [135, 'MS RPC'],
  [139, 'NetBIOS'],
  [143, 'IMAP'],
  [445, 'SMB'],
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [2049, 'NFS'],
  [2375, 'Docker API'],
  [3306, 'MySQL/Aurora'],
  [3389, 'RDP'],
  [5432, 'PostgreSQL'],
  [5439, 'Redshift'],
  [5601, 'Kibana'],
  [5900, 'VNC'],
  [6379, 'Redis'],
  [8080, 'HTTP alternate'],
  [9200, 'Elasticsearch/OpenSearch'],
  [11211, 'Memcached'],
  [27017, 'MongoDB'],
]);

const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
};

export default defineRule(
  __filename,
  {
    id: 'BIS-BA2',
    title: 'Nothing but web ports is open to the internet',
    rationale:
      'A browser needs only HTTPS (443) and the HTTP redirect (80). Any other port open to 0.0.0.0/0 or ::/0 (SSH, RDP, VNC, databases, all traffic, ICMP) serves a thick client or an administrator, and is the first thing internet scanners find and brute-force.',
    fix:
      'Open only TCP 443 and 80 to the internet: `sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443))`; for other ports use a ' +
      'security-group peer (`ec2.Peer.securityGroupId(...)`) or a private CIDR (SecurityGroupIngress CidrIp/CidrIpv6, ' +
      'SourceSecurityGroupId). Administer instances through SSM Session Manager instead of SSH/RDP.',
    level: 'error',
    resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'],
  },
  (resource, index) => {
    const problems: string[] = [];
    if (resource.type === 'AWS::EC2::SecurityGroupIngress') {
      const problem = judgeRule(resource.properties, resource, index);
      if (problem) problems.push(problem);
    } else {
      // The list and each entry may be conditional; every possible entry must be web-only.
      const entries = possibleValues(resource.properties.SecurityGroupIngress).flatMap((list) =>
        Array.isArray(list) ? list.flatMap((entry) => possibleValues(entry)) : [list],
      );
      entries.forEach((entry, position) => {
        if (!isObject(entry)) return;
        const problem = judgeRule(entry, resource, index);
        if (problem) problems.push(`SecurityGroupIngress[${position}]: ${problem}`);
      });
    }
    return problems.length === 0 ? COMPLIANT : nonCompliant(problems.join(' '));
  },
);

/** A message when one ingress rule opens a non-web port to the world, undefined when it is fine. */
function judgeRule(rule: TemplateObject, resource: TemplateResource, index: AppIndex): string | undefined {
  const source = worldSource(rule, resource, index);
  if (source === undefined) return undefined;
  const exposure = nonWebExposure(rule);
  if (exposure === undefined) return undefined;
  return `${exposure} is open to ${source}; only TCP 80 and 443 may face the internet.`;
}

/**
 * The world CIDR an ingress rule admits ("0.0.0.0/0"), or undefined. A CIDR taken from a template
 * parameter could be the world, so it fails closed; one derived from a resource or an import (a
 * VPC CIDR) is a private range.
 */
function worldSource(rule: TemplateObject, resource: TemplateResource, index: AppIndex): string | undefined {
  for (const key of ['CidrIp', 'CidrIpv6']) {
    for (const cidr of possibleValues(rule[key])) {
      const literal = literalString(cidr);
      if (literal !== undefined) {
        if (isWorldCidr(literal)) return literal;
        continue;
      }
      const ref = referencedLogicalId(cidr);
      if (
        ref !== undefined &&
        isObject(cidr) &&
        'Ref' in cidr &&
        !index.resourceByLogicalId(resource.stack, ref)
      ) {
        return `${key} from parameter '${ref}' (computed at deploy time, so it may be the whole internet)`;
      }
    }
  }
  return undefined;
}

/** A /0 prefix admits every address, whatever address is written before it. */
function isWorldCidr(cidr: string): boolean {
  return /\/0+$/.test(cidr.trim());
}

/** What a rule exposes beyond TCP 80/443 ("Port range 22-22 (SSH)"), or undefined when it is web-only. */
function nonWebExposure(rule: TemplateObject): string | undefined {
  const rawProtocol = rule.IpProtocol;
  const protocolText =
    literalString(rawProtocol) ?? (typeof rawProtocol === 'number' ? String(rawProtocol) : undefined);
  if (protocolText === undefined) {
    // Fail closed: a computed protocol may be all traffic.
    return 'An ingress rule whose IpProtocol is computed at deploy time';
  }
  const protocol = PROTOCOL_NAMES[protocolText] ?? protocolText.toLowerCase();
  if (protocol === '-1' || protocol === 'all') return 'All traffic (IpProtocol -1)';
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    return `${protocol.toUpperCase()} (IpProtocol ${protocolText}; ICMP is not web traffic either)`;
  }
  if (protocol !== 'tcp' && protocol !== 'udp') return `IP protocol ${protocolText}`;

  const from = literalNumber(rule.FromPort);
  const to = literalNumber(rule.ToPort);
  if (from === undefined || to === undefined) {
    // Fail closed: a missing or computed range may cover every port.
    return `${protocol.toUpperCase()} with a port range that is missing or computed at deploy time (FromPort/ToPort must be literals)`;
  }
  const low = from < 0 ? 0 : from;
  const high = to < 0 ? 65535 : to;
  // HTTP/3 (QUIC) is UDP 443, so a browser may use it as well as TCP 80 and 443.
  const webPorts = protocol === 'tcp' ? [80, 443] : [443];
  if (low === high && webPorts.includes(low)) return undefined;
  // -1 stands for every port; printed as is it would read "1--1".
  const range = from < 0 || to < 0 ? `${low}-${high} (-1 means every port)` : `${from}-${to}`;
  return `Port range ${protocol.toUpperCase()} ${range}${serviceNames(low, high)}`;
}

/** " (SSH)" for one well-known port, " (includes SSH 22, RDP 3389, ...)" for a range. */
function serviceNames(low: number, high: number): string {
  if (low === high) {
    const name = WELL_KNOWN_PORTS.get(low);
    return name ? ` (${name})` : '';
  }
  const inside = [...WELL_KNOWN_PORTS].filter(([port]) => port >= low && port <= high);
  if (inside.length === 0) return '';
  const shown = inside.slice(0, 4).map(([port, name]) => `${name} ${port}`);
  return ` (includes ${shown.join(', ')}${inside.length > 4 ? ', ...' : ''})`;
}
