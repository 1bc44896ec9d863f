import { App, type AppProps } from 'aws-cdk-lib';

/** An app that skips asset bundling, so tests that only read templates stay fast; `context` adds to it. */
export function testApp(props: AppProps = {}): App {
  return new App({ ...props, context: { 'aws:cdk:bundling-stacks': [], ...(props.context ?? {}) } });
}
