import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import rule from '../../../../policies/rules/tr/KmsKeyRotation';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const stack = () => new Stack(testApp(), 'Keys');

describe('BIS-TR2 KmsKeyRotation', () => {
  test('a key with rotation on is compliant', () => {
    const key = new kms.Key(stack(), 'Key', { enableKeyRotation: true });
    expect(verdictOf(rule, key).kind).toBe('compliant');
  });

  test('a default kms.Key does not rotate and is an error finding', () => {
    const key = new kms.Key(stack(), 'Key');
    expect(verdictOf(rule, key)).toEqual({
      kind: 'non-compliant',
      message: 'EnableKeyRotation is not set, so the key never rotates.',
    });
  });

  test('rotation turned off is named in the message', () => {
    const key = new kms.Key(stack(), 'Key', { enableKeyRotation: false });
    expect(verdictOf(rule, key)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/is false/),
    });
  });

  test('a multi-region key with rotation on is compliant', () => {
    const key = new kms.Key(stack(), 'Key', { multiRegion: true, enableKeyRotation: true });
    expect(verdictOf(rule, key).kind).toBe('compliant');
  });

  test('asymmetric and HMAC keys cannot rotate, so the rule does not apply', () => {
    const s = stack();
    const signing = new kms.Key(s, 'Signing', {
      keySpec: kms.KeySpec.RSA_2048,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
    });
    const hmac = new kms.Key(s, 'Hmac', {
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
    });
    expect(verdictOf(rule, signing).kind).toBe('not-applicable');
    expect(verdictOf(rule, hmac).kind).toBe('not-applicable');
  });

  test('rotation chosen by a condition cannot be proven and is non-compliant', () => {
    const s = stack();
    new CfnCondition(s, 'Prod', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const key = new kms.CfnKey(s, 'Key', { enableKeyRotation: Fn.conditionIf('Prod', true, false) });
    expect(verdictOf(rule, key)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/computed/),
    });
  });

  test('a key spec from a parameter is judged as a symmetric key', () => {
    const s = stack();
    const spec = new CfnParameter(s, 'Spec', { default: 'SYMMETRIC_DEFAULT' });
    const key = new kms.CfnKey(s, 'Key', { keySpec: spec.valueAsString, enableKeyRotation: true });
    expect(verdictOf(rule, key).kind).toBe('compliant');
  });

  test('a scanned template gets the same verdicts, imported key material excepted', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        On: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: 'true' } },
        Off: { Type: 'AWS::KMS::Key', Properties: {} },
        Imported: { Type: 'AWS::KMS::Key', Properties: { Origin: 'EXTERNAL' } },
        Junk: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: ['yes'], KeySpec: 7 } },
      },
    });
    expect(verdicts).toEqual({
      On: 'compliant',
      Off: 'non-compliant',
      Imported: 'not-applicable',
      Junk: 'non-compliant',
    });
  });
});
