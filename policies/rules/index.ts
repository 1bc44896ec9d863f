import type { BisRule } from '../rule';
import { AV_RULES } from './av';

/** Every BIS rule, family by family. The pack and docs/RULES.md are built from this list. */
export const ALL_RULES: readonly BisRule[] = [...AV_RULES];
