import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { renderReport } from '../../../policies/report';
import { scanTemplates } from '../../../policies/scan';

describe('a template that could not be read is in the report, not only on stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-bis-unchecked-'));
  writeFileSync(join(dir, 'broken.json'), '{ "Resources": ');
  const { report } = scanTemplates([join(dir, 'broken.json')], { root: dir });

  test('text names the file and does not say "No findings."', () => {
    const text = renderReport(report, 'text');
    expect(text).toMatch(/not checked {2}.*broken\.json/);
    expect(text).not.toMatch(/^No findings\.$/m);
    expect(text).toContain('No findings in the inputs that could be read.');
  });

  test('Markdown lists it under Not checked', () => {
    expect(renderReport(report, 'markdown')).toMatch(/## Not checked\n\n- .*broken\.json/);
  });

  test('SARIF carries it as a tool-execution notification', () => {
    const sarif = JSON.parse(renderReport(report, 'sarif'));
    expect(sarif.runs[0].invocations).toEqual([
      expect.objectContaining({
        executionSuccessful: false,
        toolExecutionNotifications: [
          expect.objectContaining({
            level: 'error',
            message: { text: expect.stringContaining('broken.json') },
            locations: [
              {
                physicalLocation: expect.objectContaining({
                  artifactLocation: expect.objectContaining({ uri: 'broken.json' }),
                }),
              },
            ],
          }),
        ],
      }),
    ]);
  });
});
