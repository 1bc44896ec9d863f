#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { DataLakeStack } from '../lib/data-lake';
import { BisChecks } from '../policies';

// The reference app: the platform's own stacks, gated by BisChecks like any enterprise app.
// Env-agnostic (no account, no lookups), so `cdk synth` runs without AWS credentials.
const app = new App();
Validations.of(app).addPlugins(new BisChecks(app));

new DataLakeStack(app, 'DataLake', { lakeName: app.node.tryGetContext('cdk-bis:lakeName') ?? 'enterprise' });

app.synth();
