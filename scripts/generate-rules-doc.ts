// `npm run docs`: regenerate docs/RULES.md from the rule metadata.
import { writeFileSync } from 'fs';
import { join } from 'path';
import { ALL_RULES } from '../policies/rules';
import { renderRulesDoc } from '../policies/rules-doc';

const target = join(__dirname, '..', 'docs', 'RULES.md');
writeFileSync(target, renderRulesDoc(ALL_RULES));
console.log(`docs/RULES.md: ${ALL_RULES.length} rules`);
