// The door of the Fetch objects the adapters hand to handlers and read back: lazy, byte-backed, and real.
export { createRequest } from './lazy-request';
export { installLazyResponse, LazyResponse, settledResponse, type SettledResponse } from './lazy-response';
