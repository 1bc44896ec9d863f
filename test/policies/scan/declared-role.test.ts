import { declaredRole, templateRole } from '../../../policies/scan';
import { load } from './scan-harness';

describe('role', () => {
  test('Metadata bis:role wins over resource tags', () => {
    expect(declaredRole(load('roles/metadata.cfn.yaml'))).toBe('data-platform');
  });

  test('resources agreeing on a bis:role tag, in list or map form, give the role', () => {
    expect(declaredRole(load('roles/tagged.cfn.yaml'))).toBe('data-platform');
  });

  test('no declaration: none declared, and a scan defaults to application', () => {
    const loaded = load('roles/untagged.cfn.yaml');
    expect(declaredRole(loaded)).toBeUndefined();
    expect(templateRole(loaded)).toBe('application');
  });

  test('the --role option wins over everything, even a template that declares nonsense', () => {
    expect(templateRole(load('roles/invalid.cfn.yaml'), 'infrastructure')).toBe('infrastructure');
  });

  test('an invalid role names the value, the place and the valid roles', () => {
    expect(() => declaredRole(load('roles/invalid.cfn.yaml'))).toThrow(
      'roles/invalid.cfn.yaml:3: Metadata bis:role is "platform", not a BIS role; use one of data-platform, infrastructure, application',
    );
  });

  test('resources that disagree are an error naming the file and the resources', () => {
    expect(() => declaredRole(load('roles/disagree.cfn.yaml'))).toThrow(
      'roles/disagree.cfn.yaml: resources disagree on the bis:role tag (Raw says data-platform, Queue says application); declare the template',
    );
  });
});
