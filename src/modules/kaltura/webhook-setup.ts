import * as kaltura from 'kaltura-client';
import { KalturaAdminSession } from './kaltura-admin-session';
import type { KalturaConnection } from './kaltura-client.adapter';
import { DEFAULT_RESILIENCE, KalturaTransport } from './kaltura-transport';
import { isKalturaCode } from './kaltura.errors';

/**
 * The HTTP notification templates the service needs on its partner, each cloned from a partner-0 template
 * (`eventNotificationTemplate.listTemplates` lists those): entry ready (`HTTP_ENTRY_STATUS_EQUALS`, entry status
 * READY 2: how a recording arrives) and REACH task finished (`Http_Entry_Vendor_Task_Finished_Processing`,
 * eventObjectType 42: captions and summaries, issue 18 item 5). See docs/kaltura.md.
 */
export const SERVICE_WEBHOOKS = [
  {
    systemName: 'kaltura_discord_entry_ready',
    source: 'HTTP_ENTRY_STATUS_EQUALS',
    name: 'Kaltura Discord: entry ready',
  },
  {
    systemName: 'kaltura_discord_reach_task_finished',
    source: 'Http_Entry_Vendor_Task_Finished_Processing',
    name: 'Kaltura Discord: REACH task finished',
  },
] as const;

/** The route Kaltura posts to (`WebhookController`). */
export const WEBHOOK_PATH = '/api/v1/webhooks/kaltura';

const { EventNotificationTemplateStatus } = kaltura.enums;
const DUPLICATE = 'EVENT_NOTIFICATION_TEMPLATE_DUPLICATE_SYSTEM_NAME';

/** What one template looks like on the partner, or what was done to it. */
export interface WebhookTemplateReport {
  systemName: string;
  /** `check`: ok | missing | disabled | different; `apply`: created | enabled | updated | unchanged. */
  state: 'ok' | 'missing' | 'disabled' | 'different' | 'created' | 'enabled' | 'updated' | 'unchanged';
  id: number | null;
  /** What differs, for `different` and `updated`. */
  detail?: string;
}

interface Template {
  id: number;
  partnerId?: number;
  systemName?: string;
  status?: number;
  url?: string;
}

/**
 * The webhook URL for `--url`: a bare origin (or origin + `/`) gets the service's webhook route; a URL that already
 * names a path is used as it is. Only https: Kaltura signs the body but not the transport, and a recording's
 * metadata should not cross the internet in clear.
 */
export function webhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--url "${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:')
    throw new Error('--url must be an https:// URL (Kaltura calls it over the internet)');
  if (url.username || url.password) throw new Error('--url must not carry credentials');
  if (url.pathname === '/' || url.pathname === '') url.pathname = WEBHOOK_PATH;
  return url.href;
}

/**
 * Creates and enables the service's HTTP notification templates, idempotently: a template already there (by system
 * name) is reused, enabled when disabled, its URL updated when different; one that is missing is cloned from
 * partner 0 with our system name, name and URL (`clone(id, override)`), then enabled (clones start DISABLED).
 * Two runs racing: `clone` answers `EVENT_NOTIFICATION_TEMPLATE_DUPLICATE_SYSTEM_NAME` to the loser, which then
 * uses the winner's template.
 */
export class KalturaWebhookSetup {
  constructor(private readonly transport: KalturaTransport) {}

  /** A setup for the partner in `connection`, with its own admin KS. */
  static forPartner(connection: Pick<KalturaConnection, 'partnerId' | 'adminSecret' | 'serviceUrl'>) {
    const session = new KalturaAdminSession(connection, {
      ttlSeconds: 3_600,
      renewBeforeSeconds: 300,
      now: () => Math.floor(Date.now() / 1000),
    });
    return new KalturaWebhookSetup(new KalturaTransport(connection.serviceUrl, session, DEFAULT_RESILIENCE));
  }

  /** Reports each template: ok, missing, disabled, or different (its URL). Changes nothing. */
  async check(url: string): Promise<WebhookTemplateReport[]> {
    const reports: WebhookTemplateReport[] = [];
    for (const wanted of SERVICE_WEBHOOKS) {
      const own = await this.findOwn(wanted.systemName);
      if (!own) reports.push({ systemName: wanted.systemName, state: 'missing', id: null });
      else if (own.url !== url)
        reports.push({
          systemName: wanted.systemName,
          state: 'different',
          id: own.id,
          detail: `url is ${own.url ?? 'unset'}`,
        });
      else if (own.status !== EventNotificationTemplateStatus.ACTIVE)
        reports.push({ systemName: wanted.systemName, state: 'disabled', id: own.id });
      else reports.push({ systemName: wanted.systemName, state: 'ok', id: own.id });
    }
    return reports;
  }

  /** Makes every template exist, point at `url` and be enabled; reports what it did. */
  async apply(url: string): Promise<WebhookTemplateReport[]> {
    const reports: WebhookTemplateReport[] = [];
    for (const wanted of SERVICE_WEBHOOKS) {
      let own = await this.findOwn(wanted.systemName);
      let state: WebhookTemplateReport['state'] = 'unchanged';
      let detail: string | undefined;
      if (!own) {
        own = await this.cloneFrom(wanted);
        state = 'created';
      }
      if (own.url !== url) {
        detail = `url was ${own.url ?? 'unset'}`;
        own = await this.updateUrl(own.id, url);
        if (state !== 'created') state = 'updated';
      }
      // Recent servers refuse to activate a template that is active already: only a disabled one is switched on.
      if (own.status !== EventNotificationTemplateStatus.ACTIVE) {
        await this.transport.request(
          () =>
            kaltura.services.eventNotificationTemplate.updateStatus(
              own.id,
              EventNotificationTemplateStatus.ACTIVE,
            ),
          { idempotent: true },
        );
        if (state === 'unchanged') state = 'enabled';
      }
      reports.push({ systemName: wanted.systemName, state, id: own.id, ...(detail ? { detail } : {}) });
    }
    return reports;
  }

  private async cloneFrom(wanted: (typeof SERVICE_WEBHOOKS)[number]): Promise<Template> {
    const sources = await this.list('listTemplates', wanted.source);
    const source = sources.find((t) => t.systemName === wanted.source);
    if (!source)
      throw new Error(`partner 0 has no template ${wanted.source} (is the eventNotification plugin on?)`);
    try {
      const clone = await this.transport.request(
        () =>
          kaltura.services.eventNotificationTemplate.cloneAction(
            source.id,
            new kaltura.objects.HttpNotificationTemplate({
              systemName: wanted.systemName,
              name: wanted.name,
            }),
          ),
        // A lost answer may mean the clone exists: the next run finds it by name instead.
        { idempotent: false, expectedCodes: [DUPLICATE] },
      );
      return asTemplate(clone);
    } catch (error) {
      if (!isKalturaCode(error, DUPLICATE)) throw error;
      const winner = await this.findOwn(wanted.systemName);
      if (!winner) throw error;
      return winner;
    }
  }

  private async updateUrl(id: number, url: string): Promise<Template> {
    const updated = await this.transport.request(
      () =>
        kaltura.services.eventNotificationTemplate.update(
          id,
          new kaltura.objects.HttpNotificationTemplate({ url }),
        ),
      { idempotent: true },
    );
    return asTemplate(updated);
  }

  /** The partner's own, not deleted, template with this system name. */
  private async findOwn(systemName: string): Promise<Template | null> {
    const own = await this.list('listAction', systemName);
    return own.find((t) => t.systemName === systemName && t.partnerId !== 0 && t.status !== 3) ?? null;
  }

  private async list(action: 'listAction' | 'listTemplates', systemName: string): Promise<Template[]> {
    const result = await this.transport.request(
      () =>
        kaltura.services.eventNotificationTemplate[action](
          new kaltura.objects.EventNotificationTemplateFilter({ systemNameEqual: systemName }),
          new kaltura.objects.FilterPager({ pageSize: 100, pageIndex: 1 }),
        ),
      { idempotent: true },
    );
    const objects = (result as { objects?: unknown } | null)?.objects;
    return Array.isArray(objects) ? objects.flatMap((o) => (isTemplate(o) ? [asTemplate(o)] : [])) : [];
  }
}

function isTemplate(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'number';
}

function asTemplate(value: unknown): Template {
  if (!isTemplate(value)) throw new Error('Kaltura answered something that is not a notification template');
  const t = value as Record<string, unknown>;
  return {
    id: t.id as number,
    partnerId: typeof t.partnerId === 'number' ? t.partnerId : undefined,
    systemName: typeof t.systemName === 'string' ? t.systemName : undefined,
    status: typeof t.status === 'number' ? t.status : Number(t.status),
    url: typeof t.url === 'string' ? t.url : undefined,
  };
}
