import { App, Stack, Tags, Validations } from 'aws-cdk-lib';
import { BIS_ROLES, BisRole } from '../../lib/roles';
import { BisChecks } from '../../policies/bis-checks';
import { testApp } from '../support';

describe('BisRole', () => {
  it('refuses an unknown role in set(), naming the value and the allowed ones', () => {
    const stack = new Stack(new App(), 'Orders');
    expect(() => BisRole.of(stack).set('data_platform' as never)).toThrow(
      'BisRole.of(Orders).set("data_platform"): unknown role. Use one of: data-platform, infrastructure, application.',
    );
  });

  it('reads a valid bis:role tag, and the default for an untagged stack', () => {
    const app = new App();
    const tagged = new Stack(app, 'Shared');
    Tags.of(tagged).add('bis:role', 'infrastructure');
    const plain = new Stack(app, 'Plain');
    app.synth(); // tags are applied by an aspect at synth
    expect(BisRole.of(tagged).role).toBe('infrastructure');
    expect(BisRole.of(plain).role).toBe('application');
  });

  it('a bis:role tag with a typo is an error, never a silent application', () => {
    const app = new App();
    const stack = new Stack(app, 'Lake');
    Tags.of(stack).add('bis:role', 'data_platform');
    app.synth();
    expect(() => BisRole.of(stack).role).toThrow(
      `Stack Lake has the tag bis:role="data_platform", which is not a BIS role. Use one of: ${BIS_ROLES.join(', ')}`,
    );
  });

  it('at synth, the typo fails the BIS plugin with that message', () => {
    const app = testApp();
    Validations.of(app).addPlugins(new BisChecks(app));
    Tags.of(new Stack(app, 'Lake')).add('bis:role', 'data_platform');
    expect(() => app.synth()).toThrow(
      /Stack Lake has the tag bis:role="data_platform", which is not a BIS role/,
    );
  });
});
