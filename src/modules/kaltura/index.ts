/**
 * The Kaltura module's public surface: import from here only.
 *
 * - `KalturaPort` (inject it) with `KalturaModule` binding the live or sandbox adapter;
 * - the KS codec (`mintKs`, `parseKs`) for anything that must read or write Kaltura sessions;
 * - domain error codes and classes, metric names.
 */
export type {
  CircuitStateName,
  CreateRoomInput,
  JoinRole,
  JoinUrlInput,
  KalturaRecording,
  KalturaRoom,
  KalturaRoomInfo,
  MeetingType,
} from './kaltura.port';
export { KalturaPort } from './kaltura.port';
export { KalturaModule, createKalturaPort } from './kaltura.module';
export { KALTURA_USER_BATCH_MAX, KalturaClientAdapter } from './kaltura-client.adapter';
export type { KalturaClientAdapterOptions, KalturaConnection } from './kaltura-client.adapter';
export { KalturaSandboxAdapter, SANDBOX_LAUNCH_PATH } from './kaltura-sandbox.adapter';
export type { SandboxRoom } from './kaltura-sandbox.adapter';
export { SandboxLaunchController } from './sandbox-launch.controller';
export { DEFAULT_RESILIENCE } from './kaltura-transport';
export { KalturaWebhookSetup, SERVICE_WEBHOOKS, WEBHOOK_PATH, webhookUrl } from './webhook-setup';
export type { WebhookTemplateReport } from './webhook-setup';
export type { KalturaResilienceOptions } from './kaltura-transport';
export {
  KALTURA_ERROR_CODES,
  KalturaRejectedError,
  KalturaUnavailableError,
  MeetingRoomNotFoundError,
} from './kaltura.errors';
export type { KalturaUnavailableReason } from './kaltura.errors';
export {
  CIRCUIT_STATE_VALUE,
  KALTURA_METRICS,
  NO_KALTURA_METRICS,
  PromKalturaCallMetrics,
} from './kaltura.metrics';
export type { KalturaCallMetrics, KalturaCallOutcome } from './kaltura.metrics';
export {
  SERVICE_ADMIN_TAG,
  recordingAdminTags,
  recordingOwnerOf,
  recordingPartnerData,
  sameOwner,
} from './recording-tags';
export type { RecordingOwner, RecordingOwnerMatch } from './recording-tags';
export { KALTURA_USER_ID, NEWROW_TAG, kalturaRole } from './kaltura.rules';
export {
  KsError,
  KsType,
  formatPrivileges,
  mintKs,
  parseKs,
  parsePrivilegeString,
  phpUrlDecode,
  phpUrlEncode,
} from './ks.codec';
export type { KsErrorReason, KsPrivileges, MintKsInput, ParseKsOptions, ParsedKs } from './ks.codec';
