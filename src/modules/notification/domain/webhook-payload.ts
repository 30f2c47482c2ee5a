import { z } from 'zod';
import type { KalturaWebhookPayload } from './kaltura-event.types';

/** Why a body was refused: 400 (unreadable) or 415 (a media type Kaltura does not send). */
export type PayloadFailure = {
  ok: false;
  status: 400 | 415;
  code: 'MALFORMED_WEBHOOK' | 'UNSUPPORTED_MEDIA_TYPE';
  message: string;
  errors?: Array<{ field: string; message: string }>;
};

/** Media types a Kaltura HTTP notification arrives with (older templates label form bodies as JSON). */
const ACCEPTED_MEDIA_TYPES = new Set([
  '',
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
]);
const MAX_FORM_FIELDS = 500;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A number, or a string of digits (Kaltura sends enums and ids either way) → the decimal string. */
const numeric = z
  .union([
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    z
      .string()
      .trim()
      .regex(/^\d{1,20}$/),
  ])
  .transform(String);
/** A numeric enum, or a plugin's dotted name (`scheduleEventNotifications.ScheduleEvent`). */
const enumValue = z
  .union([
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.]{1,200}$/, 'must be a number or an enum name'),
  ])
  .transform(String);
const shortText = z.string().max(1_000);

const envelope = z.looseObject({
  eventNotificationJobId: numeric.optional(),
  eventType: enumValue.optional(),
  eventObjectType: enumValue.optional(),
  templateId: numeric.optional(),
  templateSystemName: shortText.optional(),
  templateName: shortText.optional(),
  object: z.record(z.string(), z.unknown()).optional(),
});

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const malformed = (message: string, errors?: PayloadFailure['errors']): PayloadFailure => ({
  ok: false,
  status: 400,
  code: 'MALFORMED_WEBHOOK',
  message,
  ...(errors ? { errors } : {}),
});

type Parsed<T> = { value: T } | { failure: PayloadFailure };

function parseJson(text: string, what: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { failure: malformed(`${what} is not valid JSON.`) };
  }
  return isPlainObject(value) ? { value } : { failure: malformed(`${what} must be a JSON object.`) };
}

function parseForm(text: string): Parsed<Record<string, string>> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  let count = 0;
  for (const [key, value] of new URLSearchParams(text)) {
    if (++count > MAX_FORM_FIELDS) {
      return { failure: malformed(`The form has more than ${MAX_FORM_FIELDS} fields.`) };
    }
    if (key === '') return { failure: malformed('The form has a field without a name.') };
    fields[key] = value;
  }
  return { value: { ...fields } };
}

/**
 * Turns a raw webhook body into a normalised payload. Accepts what Kaltura sends: JSON object data,
 * `data=<urlencoded JSON>` (even when labelled `application/json`), form fields, and an empty body.
 * The format is read from the bytes, not trusted from the label.
 */
export function parseWebhookBody(
  body: Buffer,
  contentType: string | undefined,
): { ok: true; payload: KalturaWebhookPayload } | PayloadFailure {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!ACCEPTED_MEDIA_TYPES.has(mediaType)) {
    return {
      ok: false,
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Kaltura webhooks are accepted as JSON, form fields or data=<JSON>.',
    };
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return malformed('The body is not UTF-8 text.');
  }
  text = text.replace(/^\uFEFF/, '').trim();
  if (text === '') return { ok: true, payload: { format: 'empty', object: {} } };

  let format: KalturaWebhookPayload['format'];
  let root: Record<string, unknown>;
  if (text.startsWith('{') || text.startsWith('[')) {
    const parsed = parseJson(text, 'The body');
    if ('failure' in parsed) return parsed.failure;
    [format, root] = ['json', parsed.value];
  } else if (/^[^=&\s]+=/.test(text)) {
    const form = parseForm(text);
    if ('failure' in form) return form.failure;
    if (text.startsWith('data=')) {
      const parsed = parseJson(form.value.data ?? '', 'The data field');
      if ('failure' in parsed) return parsed.failure;
      [format, root] = ['data-json', parsed.value];
    } else {
      [format, root] = ['form', form.value];
    }
  } else {
    return malformed('The body is neither JSON nor form fields.');
  }

  const checked = envelope.safeParse(root);
  if (!checked.success) {
    return malformed(
      'The webhook has fields of the wrong type.',
      checked.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
    );
  }
  const e = checked.data;
  // Field-data templates send the event's fields flat: those fields are the object.
  const object = format === 'form' ? { ...root } : (e.object ?? {});
  return {
    ok: true,
    payload: {
      format,
      object,
      ...(e.eventNotificationJobId !== undefined ? { eventNotificationJobId: e.eventNotificationJobId } : {}),
      ...(e.eventType !== undefined ? { eventType: e.eventType } : {}),
      ...(e.eventObjectType !== undefined ? { eventObjectType: e.eventObjectType } : {}),
      ...(e.templateId !== undefined ? { templateId: e.templateId } : {}),
      ...(e.templateSystemName !== undefined ? { templateSystemName: e.templateSystemName } : {}),
    },
  };
}
