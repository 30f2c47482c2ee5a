/** How the webhook body arrived. */
export type WebhookBodyFormat = 'json' | 'data-json' | 'form' | 'empty';

/** A webhook body, parsed and normalised (enums as numbers where Kaltura sent numbers or numeric strings). */
export interface KalturaWebhookPayload {
  format: WebhookBodyFormat;
  eventNotificationJobId?: string;
  /** Numeric event types as decimal strings (`'3'`), plugin event types as sent. */
  eventType?: string;
  /** `'1'` (entry), `'38'`, or plugin names such as `scheduleEventNotifications.ScheduleEvent`. */
  eventObjectType?: string;
  templateId?: string;
  templateSystemName?: string;
  /** The event's object (JSON formats) or the form fields themselves (field-data templates). */
  object: Record<string, unknown>;
}

/**
 * What a Kaltura event means here. Only these kinds lead anywhere; everything else is `unmapped` (kept,
 * counted, ignored).
 */
export type KalturaEventMapping =
  | {
      kind: 'recording_ready';
      entryId: string;
      name: string | null;
      /** What ties a recording to its meeting (copied from the template entry by Kaltura); see recording-tags.ts. */
      adminTags: string | null;
      partnerData: string | null;
      /** Seconds. */
      durationSeconds: number | null;
    }
  | { kind: 'schedule_event_ended'; eventId: number | null; referenceId: string | null }
  | { kind: 'schedule_resource_deleted'; resourceId: number }
  | { kind: 'unmapped'; reason: string };

export type KalturaEventKind = KalturaEventMapping['kind'];
