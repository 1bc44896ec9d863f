import * as door from '../../../lib/data-lake';
import * as pkg from '../../../index';
import { BIS_COST_CENTER_TAG, BIS_OWNER_TAG } from '../../../policies/marks';

/** The runtime names of the data lake's public API (types are checked by the compiler). */
const PUBLIC_API = [
  'ALLOW_DATA_DESTRUCTION_CONTEXT',
  'BIS_COST_CENTER_TAG',
  'BIS_LAKE_WRITER_TAG',
  'BIS_OWNER_TAG',
  'CONTRACT_VERSION',
  'ContractEntry',
  'DEFAULT_BYTES_SCANNED_CUTOFF_PER_QUERY',
  'DataLake',
  'DataLakeContract',
  'DataLakeStack',
  'KINDS',
  'LAKE_SERVICE_PREFIXES',
  'LakeCatalog',
  'LakeCrawler',
  'LakeTable',
  'LakeWriters',
  'QUERY_RESULTS_PREFIX',
  'TABULAR_KINDS',
  'ZONES',
  'contractParameterName',
  'glueDatabaseNameOf',
  'isKind',
  'isTabularKind',
  'isZone',
  'workGroupNameOf',
];

describe('the data-lake door', () => {
  test('exports the public API and nothing else', () => {
    expect(Object.keys(door).sort()).toEqual([...PUBLIC_API].sort());
  });

  test.each([
    'DataLakeBase',
    's3ViaService',
    'publishContract',
    'validateLakeName',
    'kindPrefix',
    'lakeError',
    'LakeTableBase',
    'refuseDuplicateLake',
    'flattenAsCdkNag',
  ])('keeps the internal %s inside', (internal) => {
    expect(Object.keys(door)).not.toContain(internal);
    expect(Object.keys(pkg)).not.toContain(internal);
  });

  test('the package door passes the lake API through', () => {
    for (const name of PUBLIC_API) expect(pkg).toHaveProperty(name, door[name as keyof typeof door]);
  });

  test('the cost-allocation tag keys are the ones the policy marks define', () => {
    expect([door.BIS_OWNER_TAG, door.BIS_COST_CENTER_TAG]).toEqual([BIS_OWNER_TAG, BIS_COST_CENTER_TAG]);
    expect([BIS_OWNER_TAG, BIS_COST_CENTER_TAG]).toEqual(['bis:owner', 'bis:cost-center']);
  });

  test('the tabular kinds are kinds of the lake: structured and geographic', () => {
    expect(door.TABULAR_KINDS).toEqual(['structured', 'geographic']);
    for (const kind of door.TABULAR_KINDS) expect(door.KINDS).toContain(kind);
    expect(door.KINDS.filter(door.isTabularKind)).toEqual(['structured', 'geographic']);
  });
});
