/**
 * Fake Kaltura api_v3 server for tests. Start one per test file (or per test), point
 * `KALTURA_SERVICE_URL`/`serviceUrl` at `fake.url`, and use `fake.partnerId`/`fake.adminSecret` as the partner
 * credentials. See `FakeKaltura` for the fault switches and the recorded calls.
 */
export { FakeKaltura } from './fake-kaltura';
export { FakeApiError } from './fake-kaltura.types';
export type {
  FakeKalturaCall,
  FakeKalturaOptions,
  FakeKalturaRequest,
  FakeMediaEntry,
  FakeNotificationTemplate,
  FakeScheduleEvent,
  FakeScheduleEventResource,
  FakeScheduleResource,
  FakeUser,
} from './fake-kaltura.types';
