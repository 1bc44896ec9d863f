import { COMPLIANT, defineRule, nonCompliant } from '../../rule';

/** What each forbidden type delivers, for the message. */
const DELIVERY: Readonly<Record<string, string>> = {
  'AWS::WorkSpaces::Workspace': 'a WorkSpaces virtual desktop',
  'AWS::WorkSpaces::WorkspacesPool': 'a pool of WorkSpaces virtual desktops',
  'AWS::WorkSpaces::ConnectionAlias': 'a connection alias for WorkSpaces clients',
  'AWS::WorkspacesInstances::WorkspaceInstance': 'a WorkSpaces managed desktop instance',
  'AWS::AppStream::Fleet': 'an AppStream 2.0 streaming fleet',
  'AWS::AppStream::Stack': 'an AppStream 2.0 stack of streamed applications',
  'AWS::AppStream::ImageBuilder': 'an AppStream 2.0 image builder',
};

export default defineRule(
  __filename,
  {
    id: 'BIS-BA5',
    title: 'Applications are not delivered as virtual desktops or streamed thick clients',
    rationale:
      'WorkSpaces and AppStream keep a desktop application alive by streaming it: the enterprise still pays for, patches and licenses the thick client, per user and per hour, instead of delivering the application as a web page.',
    fix:
      'Rebuild the application as a web application behind an HTTPS entry point (API Gateway, CloudFront, a Lambda function URL). ' +
      'For internal web sites that must stay private, use WorkSpaces Secure Browser (AWS::WorkSpacesWeb::Portal), which is browser-delivered.',
    level: 'error',
    resourceTypes: Object.keys(DELIVERY),
  },
  (resource) => {
    const delivery = DELIVERY[resource.type];
    if (delivery === undefined) return COMPLIANT;
    return nonCompliant(
      `${resource.type} creates ${delivery}, which is not a browser application. Deliver the application as a web application; WorkSpaces Secure Browser (AWS::WorkSpacesWeb::*) is the browser-delivered alternative for private web sites.`,
    );
  },
);
