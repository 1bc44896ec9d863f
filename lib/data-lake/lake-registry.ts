/*
 * One lake per name and environment in an app: two lakes of one name in one account and Region
 * would collide at deploy on the key alias, the contract paths, the Glue and Athena names.
 */
import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { lakeError } from './errors';

/** The lakes constructed so far in each app (the construct tree's root). */
const lakesByRoot = new WeakMap<IConstruct, { lakeName: string; path: string; stack: Stack }[]>();

/** Throws, naming both construct paths, when the app already has a lake of this name that may share its environment. */
export function refuseDuplicateLake(lake: IConstruct & { readonly lakeName: string }): void {
  const root = lake.node.root;
  const lakes = lakesByRoot.get(root) ?? [];
  const stack = Stack.of(lake);
  const other = lakes.find(
    (known) => known.lakeName === lake.lakeName && mayShareEnvironment(known.stack, stack),
  );
  if (other) {
    throw lakeError(
      lake.lakeName,
      lake.node.path,
      `another DataLake named '${lake.lakeName}' is defined at ${other.path}. In one account and Region they would collide at deploy ` +
        `on the key alias alias/cdk-bis/${lake.lakeName}, the contract /cdk-bis/${lake.lakeName}/, the Glue databases and the Athena workgroup. ` +
        'Give each lake its own lakeName (e.g. per Stage), or give the two stacks explicit, different env (account or region).',
    );
  }
  lakes.push({ lakeName: lake.lakeName, path: lake.node.path, stack });
  lakesByRoot.set(root, lakes);
}

/** Two stacks may deploy to one account and Region unless both say where and they differ. */
function mayShareEnvironment(a: Stack, b: Stack): boolean {
  const known = (value: string): boolean => !Token.isUnresolved(value);
  const differs = (x: string, y: string): boolean => known(x) && known(y) && x !== y;
  return !(differs(a.account, b.account) || differs(a.region, b.region));
}
