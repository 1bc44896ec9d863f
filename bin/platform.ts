#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { DataLakeStack } from '../lib/data-lake';
import { LakeServicesStack } from '../lib/serverless';
import { BisChecks } from '../policies';

/** Why the reference deployment's routes are public when no identity provider is given. */
export const REFERENCE_PUBLIC_ACCESS_REASON =
  'The reference deployment of the lake services, for evaluation: anyone with the URL may open the catalog and upload to the landing zone. Deploy with -c cdk-bis:jwtIssuer=<issuer> -c cdk-bis:jwtAudience=<audience> to require a token.';

/**
 * The reference app's stacks in `app`: the platform's DataLakeStack and the lake services, which
 * reach the lake through its contract only. Env-agnostic (no account, no lookups), so it
 * synthesizes without AWS credentials.
 */
export function platformStacks(app: App): { lake: DataLakeStack; services: LakeServicesStack } {
  const lakeName: string = app.node.tryGetContext('cdk-bis:lakeName') ?? 'enterprise';
  // The catalog's origin (the HTTP API's URL) is known only once LakeServices is deployed, after the
  // lake: any page may PUT to an upload URL it was given, unless a custom domain is set here.
  const catalogOrigin: string = app.node.tryGetContext('cdk-bis:catalogOrigin') ?? '*';
  const lake = new DataLakeStack(app, 'DataLake', {
    lakeName,
    browserUploadOrigins: String(catalogOrigin).split(','),
  });

  // With an identity provider every route needs its token; without one, the reason is the written decision.
  const issuer: string | undefined = app.node.tryGetContext('cdk-bis:jwtIssuer');
  const audience: string | undefined = app.node.tryGetContext('cdk-bis:jwtAudience');
  if ((issuer === undefined) !== (audience === undefined)) {
    throw new Error(
      'bin/platform.ts: give both context values cdk-bis:jwtIssuer and cdk-bis:jwtAudience (the identity provider of the lake services), or neither.',
    );
  }
  const services = new LakeServicesStack(app, 'LakeServices', {
    lakeName,
    ...(issuer !== undefined && audience !== undefined
      ? { authorizer: new HttpJwtAuthorizer('Sso', issuer, { jwtAudience: String(audience).split(',') }) }
      : { publicAccessReason: REFERENCE_PUBLIC_ACCESS_REASON }),
  });
  // The contract is read at deploy time: the lake deploys first. A dependency, not a reference.
  services.addStackDependency(lake);
  return { lake, services };
}

// `cdk synth` runs this file (cdk.json); tests import platformStacks into an app of their own.
if (require.main === module) {
  const app = new App();
  Validations.of(app).addPlugins(new BisChecks(app));
  platformStacks(app);
  app.synth();
}
