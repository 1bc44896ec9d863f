import type { BisRule } from '../rule';
import { AV_RULES } from './av';
import { BA_RULES } from './ba';
import { CO_RULES } from './co';
import { DI_RULES } from './di';
import { PO_RULES } from './po';
import { SF_RULES } from './sf';
import { TR_RULES } from './tr';

/** Every BIS rule, family by family in the order of the diktats. The pack and docs/RULES.md are built from this list. */
export const ALL_RULES: readonly BisRule[] = [
  ...BA_RULES,
  ...SF_RULES,
  ...DI_RULES,
  ...TR_RULES,
  ...CO_RULES,
  ...PO_RULES,
  ...AV_RULES,
];
