/**
 * Every Redis database index a test suite uses, in one place: suites run in parallel jest workers and some empty
 * their database first (`requireEmptyRedisDb`), so two suites on one index would wipe each other's keys. Take a
 * free index here for a new suite; `redis-dbs.spec.ts` keeps them distinct.
 */
export const REDIS_DBS = {
  /** test/platform/cache.spec.ts: the default database, key names exactly as operators see them. */
  cache: 0,
  /** Reserved for suites being added in parallel (issues 17 and 26); name them here when they land. */
  /** test/discord/identify-pacing.spec.ts */
  identifyPacing: 1,
  /** test/events/events-replicas.spec.ts */
  eventsReplicas: 2,
  /** test/events/redis-event-bus.spec.ts */
  eventBus: 3,
  /** test/webhooks-out/kill-mid-delivery.spec.ts */
  webhooksOutKill: 4,
  /** test/gateway/throttling.spec.ts */
  throttling: 5,
  /** Free (issue 25). */
  free6: 6,
  /** test/notification/delivery-queue.spec.ts */
  deliveryQueue: 7,
  /** test/notification/restart.spec.ts */
  notificationRestart: 8,
  /** test/config/config-replicas.spec.ts (it shared 11 with kill-mid-delivery, which empties it at start). */
  configReplicas: 9,
  /** test/faults/stop-mid-delivery.spec.ts */
  stopMidDelivery: 10,
  /** test/faults/kill-mid-delivery.spec.ts */
  killMidDelivery: 11,
  reserved12: 12,
  /** test/events/ws-replicas.spec.ts */
  wsReplicas: 13,
  reserved14: 14,
  /** test/meetings/limits-redis.spec.ts */
  meetingLimits: 15,
} as const;
