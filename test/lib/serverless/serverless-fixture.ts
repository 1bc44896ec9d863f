import { App, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PortableFunction, type PortableFunctionProps } from '../../../lib/serverless';

/** A portable handler module of the fixtures: it exports `http` and `objectLanded`. */
export const HELLO_ENTRY = 'test/fixtures/functions/hello/index.ts';

/** An app that skips bundling, its resources tagged as BIS-CO9 asks. */
export function templateApp(): App {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  Tags.of(app).add('bis:owner', 'team-serverless');
  Tags.of(app).add('bis:cost-center', 'cc-1234');
  return app;
}

/** A stack named 'Service' in an app that skips bundling. */
export function serviceStack(): Stack {
  return new Stack(templateApp(), 'Service');
}

/** One PortableFunction 'Fn' on the hello fixture in a fresh stack, with the given props. */
export function helloFunction(props: Partial<PortableFunctionProps> = {}): PortableFunction {
  return new PortableFunction(serviceStack(), 'Fn', { entry: HELLO_ENTRY, ...props });
}

export type CfnResourceJson = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };

/** The template's resources of one type. */
export function resourcesOfType(template: Template, type: string): CfnResourceJson[] {
  return Object.values(template.findResources(type)) as CfnResourceJson[];
}

/** The one resource of a type, failing when there are several or none. */
export function onlyResource(template: Template, type: string): CfnResourceJson {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}
