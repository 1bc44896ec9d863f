import PlatformBucketVersioning from './PlatformBucketVersioning';
import QueueRedrive from './QueueRedrive';

/** The AV (availability) family, in ID order. */
export const AV_RULES = [PlatformBucketVersioning, QueueRedrive];
