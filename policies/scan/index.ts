export { declaredRole, templateRole } from './declared-role';
export { discoverTemplates, displayPath } from './discovery';
export { isKnownResourceType, knownResourceTypes } from './resource-types';
export { hasSamTransform, SAM_TRANSFORM } from './sam-globals';
export { ScanInputError } from './scan-input-error';
export { loadTemplate, parseTemplate, type LoadedTemplate, type LoadOptions } from './template-loader';
export { scanTemplates, type ScanOptions, type ScanResult, type ScannedTemplate } from './template-scan';
// The roles `--role` accepts: the B-I-S roles of lib/roles, the one vocabulary of roles.
export { BIS_ROLES, isBisRoleName, type BisRoleName } from '../../lib/roles';
