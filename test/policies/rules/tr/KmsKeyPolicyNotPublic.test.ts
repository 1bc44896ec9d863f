import { CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import rule from '../../../../policies/rules/tr/KmsKeyPolicyNotPublic';
import { testApp, verdictOf, verdictsOfTemplate } from '../../harness';

const stack = () => new Stack(testApp(), 'Keys');
const publicDecrypt = (conditions?: Record<string, unknown>) =>
  new iam.PolicyStatement({
    sid: 'Anyone',
    actions: ['kms:Decrypt'],
    resources: ['*'],
    principals: [new iam.AnyPrincipal()],
    conditions,
  });

describe('BIS-TR3 KmsKeyPolicyNotPublic', () => {
  test("kms.Key's default policy (the account root) is compliant", () => {
    const key = new kms.Key(stack(), 'Key');
    expect(verdictOf(rule, key).kind).toBe('compliant');
  });

  test('a key policy allowing any principal is an error naming the statement', () => {
    const key = new kms.Key(stack(), 'Key');
    key.addToResourcePolicy(publicDecrypt());
    expect(verdictOf(rule, key)).toEqual({
      kind: 'non-compliant',
      message:
        "KeyPolicy statement 'Anyone' allows Principal { AWS: '*' } with no condition confining it to the enterprise's accounts.",
    });
  });

  test('a public principal confined by kms:CallerAccount or aws:PrincipalOrgID is compliant', () => {
    const s = stack();
    const byAccount = new kms.Key(s, 'ByAccount');
    byAccount.addToResourcePolicy(publicDecrypt({ StringEquals: { 'kms:CallerAccount': s.account } }));
    const byOrg = new kms.Key(s, 'ByOrg');
    byOrg.addToResourcePolicy(publicDecrypt({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }));
    expect(verdictOf(rule, byAccount).kind).toBe('compliant');
    expect(verdictOf(rule, byOrg).kind).toBe('compliant');
  });

  test('a negated or IfExists condition does not confine a public principal', () => {
    const s = stack();
    const negated = new kms.Key(s, 'Negated');
    negated.addToResourcePolicy(
      publicDecrypt({ StringNotEquals: { 'aws:PrincipalAccount': '111111111111' } }),
    );
    const ifExists = new kms.Key(s, 'IfExists');
    ifExists.addToResourcePolicy(publicDecrypt({ StringEqualsIfExists: { 'aws:SourceAccount': s.account } }));
    expect(verdictOf(rule, negated).kind).toBe('non-compliant');
    expect(verdictOf(rule, ifExists).kind).toBe('non-compliant');
  });

  test("a '*' principal in either branch of an Fn::If is found", () => {
    const s = stack();
    new CfnCondition(s, 'Open', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const key = new kms.CfnKey(s, 'Key', {
      keyPolicy: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'kms:*',
            Resource: '*',
            Principal: { AWS: Fn.conditionIf('Open', '*', Fn.sub('arn:aws:iam::${AWS::AccountId}:root')) },
          },
        ],
      },
    });
    expect(verdictOf(rule, key)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/statement #1/),
    });
  });

  test('a key policy imported from another stack cannot be read and is non-compliant', () => {
    const key = new kms.CfnKey(stack(), 'Key', { keyPolicy: Fn.importValue('SharedKeyPolicy') });
    expect(verdictOf(rule, key)).toMatchObject({
      kind: 'non-compliant',
      message: expect.stringMatching(/computed/),
    });
  });

  test('a scanned template gets the same verdicts: JSON strings, Deny statements, conditions one branch drops', () => {
    const verdicts = verdictsOfTemplate(rule, {
      Resources: {
        Default: { Type: 'AWS::KMS::Key', Properties: {} },
        Star: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: JSON.stringify({
              Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }],
            }),
          },
        },
        StarInList: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: {
              Statement: {
                Effect: 'Allow',
                Principal: { AWS: ['arn:aws:iam::1:root', '*'] },
                Action: 'kms:*',
              },
            },
          },
        },
        DenyAll: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: { Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kms:Delete*' }] },
          },
        },
        SometimesConfined: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 'kms:Decrypt',
                  Condition: {
                    'Fn::If': [
                      'Prod',
                      { StringEquals: { 'kms:CallerAccount': '1' } },
                      { Ref: 'AWS::NoValue' },
                    ],
                  },
                },
              ],
            },
          },
        },
        Junk: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: 'nonsense' } } },
      },
    });
    expect(verdicts).toEqual({
      Default: 'compliant',
      Star: 'non-compliant',
      StarInList: 'non-compliant',
      DenyAll: 'compliant',
      SometimesConfined: 'non-compliant',
      Junk: 'compliant',
    });
  });
});
