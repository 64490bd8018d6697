/** Every event type of SPEC §7. */
export const EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'order.created',
  'order.paid',
  'order.cancelled',
  'device.created',
  'device.deleted',
  'device.online',
  'device.offline',
  'device.alert',
  'command.succeeded',
  'command.failed',
  'command.timed_out',
  'command.expired',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
