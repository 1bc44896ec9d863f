import AsyncFailureDestination from './AsyncFailureDestination';
import PlatformBucketVersioning from './PlatformBucketVersioning';
import PlatformTablePointInTimeRecovery from './PlatformTablePointInTimeRecovery';
import QueueRedrive from './QueueRedrive';

/** The AV (availability) family, in ID order. */
export const AV_RULES = [
  AsyncFailureDestination,
  PlatformBucketVersioning,
  PlatformTablePointInTimeRecovery,
  QueueRedrive,
];
