// The lake on a laptop: the services behind one functions-framework target, and the zones as folders.
export { lakeRouter, type LakeRouterProps } from './router';
export { LocalLake, ZONES, type LocalLakeProps } from './local-lake';
export { LAKE_TARGET, serveLake, type LakeServer, type ServeLakeProps } from './serve';
