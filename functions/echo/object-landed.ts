import type { ObjectLandedHandler } from '../runtime';

/**
 * The reference storage-event function: it logs what landed and, when a store named `echo` is configured
 * (`BIS_STORES=echo`), records the event as `events/<eventId>.json` there, so a test can read it back.
 */
export const objectLanded: ObjectLandedHandler = async (event, ctx) => {
  ctx.log.info('object landed', { ...event, time: event.time.toISOString() });
  const record = ctx.stores.echo;
  if (record === undefined) return;
  const safeId = event.eventId.replace(/[^A-Za-z0-9._-]/g, '_');
  await record.put(`events/${safeId}.json`, JSON.stringify({ ...event, time: event.time.toISOString() }), {
    contentType: 'application/json',
  });
};
