#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { BisChecks } from '../policies';

// The reference app: the platform's own stacks, gated by BisChecks like any enterprise app.
const app = new App();
Validations.of(app).addPlugins(new BisChecks(app));
app.synth();
