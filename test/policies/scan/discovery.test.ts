import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { discoverTemplates } from '../../../policies/scan';

describe('discovery', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdk-bis-discover-'));
    const files: Record<string, string> = {
      'orders.template.json': '{"Resources": {}}',
      'service/template.yaml': 'Resources: {}',
      'service/template.yml': 'Resources: {}',
      'service/nested/queue.cfn.yml': 'Resources: {}',
      'service/nested/queue.cfn.yaml': 'Resources: {}',
      'service/nested/extra.cfn.json': '{"Resources": {}}',
      'service/notes.yaml': 'Resources: {}',
      'service/package.json': '{}',
      'node_modules/pkg/vendored.template.json': '{"Resources": {}}',
      'cdk.out/App.template.json': '{"Resources": {}}',
      '.aws-sam/build/template.yaml': 'Resources: {}',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    mkdirSync(join(dir, 'empty'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a directory is walked for template names, sorted, skipping node_modules, cdk.out and dot-directories', () => {
    const { files, errors } = discoverTemplates([dir], dir);
    expect(errors).toEqual([]);
    expect(files.map((file) => file.slice(dir.length + 1))).toEqual([
      'orders.template.json',
      'service/nested/extra.cfn.json',
      'service/nested/queue.cfn.yaml',
      'service/nested/queue.cfn.yml',
      'service/template.yaml',
      'service/template.yml',
    ]);
  });

  test('a skipped directory is walked when it is named, and a file is taken whatever its name', () => {
    const { files, errors } = discoverTemplates(
      [join(dir, 'cdk.out'), join(dir, 'service', 'notes.yaml')],
      dir,
    );
    expect(errors).toEqual([]);
    expect(files.map((file) => file.slice(dir.length + 1))).toEqual([
      'cdk.out/App.template.json',
      'service/notes.yaml',
    ]);
  });

  test('a file named twice, or inside a named directory, is scanned once', () => {
    const queue = join(dir, 'service', 'nested', 'queue.cfn.yml');
    const { files, errors } = discoverTemplates([queue, join(dir, 'service', 'nested'), queue], dir);
    expect(errors).toEqual([]);
    expect(files).toEqual([
      join(dir, 'service', 'nested', 'extra.cfn.json'),
      join(dir, 'service', 'nested', 'queue.cfn.yaml'),
      queue,
    ]);
    const inside = discoverTemplates([join(dir, 'orders.template.json'), dir], dir);
    expect(inside.errors).toEqual([]);
    expect(inside.files).toHaveLength(6);
  });

  test('a directory without templates and a missing path are errors; the other paths are still searched', () => {
    const { files, errors } = discoverTemplates(
      [join(dir, 'empty'), join(dir, 'missing.yaml'), join(dir, 'orders.template.json')],
      dir,
    );
    expect(files).toEqual([join(dir, 'orders.template.json')]);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /^empty: no templates found \(looked for \*\.template\.json, template\.yaml, template\.yml, \*\.cfn\.yaml/,
      ),
      'missing.yaml: no such file or directory',
    ]);
  });

  test('a symbolic link back up the tree does not loop', () => {
    symlinkSync(dir, join(dir, 'service', 'loop'));
    const { files, errors } = discoverTemplates([dir], dir);
    expect(errors).toEqual([]);
    expect(files).toHaveLength(6);
  });
});
