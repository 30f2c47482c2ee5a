import type { ParsedKs } from '../../../src/modules/kaltura';
import type { Params } from './api-params';

export interface FakeKalturaOptions {
  /** Default 4242. */
  partnerId?: number;
  /** Default `fake-admin-secret-0123456789abcdef`. */
  adminSecret?: string;
  /** Clock in milliseconds (KS expiry, timestamps). */
  now?: () => number;
}

/** One API action the fake executed (multirequest sub-requests are recorded one by one). */
export interface FakeKalturaCall {
  service: string;
  action: string;
  /** Action parameters exactly as received (multirequest references such as `{1:result:id}` unresolved). */
  params: Params;
  /** Position inside a multirequest (0-based), absent for a plain request. */
  multirequestIndex?: number;
  /** The verified KS, absent for `session.start` or when verification failed. */
  ks?: ParsedKs;
  /** The API exception code when the action failed. */
  error?: string;
}

/** One HTTP request, including those a fault switch swallowed. */
export interface FakeKalturaRequest {
  path: string;
  contentType?: string;
  /** `service.action`, or `multirequest`. */
  target: string;
  fault?: 'reset' | 'http-error';
  status?: number;
}

/** An API exception as the server returns it (with HTTP 200). */
export class FakeApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly args: Record<string, unknown> = {},
  ) {
    super(message);
  }
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, objectType: 'KalturaAPIException', args: this.args };
  }
}

export interface FakeScheduleResource {
  id: number;
  partnerId: number;
  objectType: string;
  name: string;
  description?: string;
  systemName?: string;
  tags?: string;
  /** 1 DISABLED, 2 ACTIVE, 3 DELETED. */
  status: 1 | 2 | 3;
  createdAt: number;
  updatedAt: number;
}

export interface FakeScheduleEvent {
  id: number;
  partnerId: number;
  objectType: string;
  summary: string;
  description?: string;
  referenceId?: string;
  /** The entry recordings of this session are copied from (`KalturaEntryScheduleEvent.templateEntryId`). */
  templateEntryId?: string;
  startDate: number;
  endDate: number;
  recurrenceType: number;
  tags?: string;
  /** 1 CANCELLED, 2 ACTIVE, 3 DELETED. */
  status: 1 | 2 | 3;
  createdAt: number;
  updatedAt: number;
}

export interface FakeScheduleEventResource {
  objectType: 'KalturaScheduleEventResource';
  partnerId: number;
  eventId: number;
  resourceId: number;
  createdAt: number;
}

export interface FakeUser {
  objectType: 'KalturaUser';
  partnerId: number;
  id: string;
  screenName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  status: 1;
  createdAt: number;
}

export interface FakeMediaEntry {
  objectType: 'KalturaMediaEntry';
  id: string;
  partnerId: number;
  name: string;
  description?: string;
  tags?: string;
  adminTags?: string;
  partnerData?: string;
  referenceId?: string;
  categories?: string;
  /** The owner. */
  userId?: string;
  entitledUsersEdit?: string;
  entitledUsersPublish?: string;
  entitledUsersView?: string;
  /** Set on entries copied from a template (recordings). */
  templateEntryId?: string;
  mediaType: number;
  /** 2 READY, 3 DELETED, 7 NO_CONTENT. */
  status: number;
  /** Seconds. */
  duration: number;
  createdAt: number;
  updatedAt: number;
}

export interface FakeNotificationTemplate {
  objectType: string;
  id: number;
  partnerId: number;
  name: string;
  systemName: string;
  description?: string;
  type: string;
  /** 1 DISABLED, 2 ACTIVE, 3 DELETED. */
  status: 1 | 2 | 3;
  eventType: string;
  eventObjectType: string;
  url: string;
  createdAt: number;
  updatedAt: number;
}
