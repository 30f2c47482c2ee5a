import type { Params } from './api-params';
import { FakeApiError, FakeNotificationTemplate } from './fake-kaltura.types';

/** `EventNotificationTemplateStatus`: DISABLED 1, ACTIVE 2, DELETED 3. */
const STATUSES = [1, 2, 3];

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const int = (v: unknown): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : NaN;
};

/**
 * The partner-0 HTTP templates the service clones (system names as kaltura/server ships them in
 * deployment/updates/scripts/add_permissions/… and the eventNotification plugin's default templates). The field
 * values beyond system name, type and event are simplified.
 */
export const PARTNER_ZERO_TEMPLATES: ReadonlyArray<
  Omit<FakeNotificationTemplate, 'createdAt' | 'updatedAt'>
> = [
  {
    objectType: 'KalturaHttpNotificationTemplate',
    id: 11,
    partnerId: 0,
    name: 'Entry Status Equals (HTTP)',
    systemName: 'HTTP_ENTRY_STATUS_EQUALS',
    type: 'httpNotification.Http',
    status: 2,
    eventType: '3',
    eventObjectType: '1',
    url: 'http://example.com/please-override',
  },
  {
    objectType: 'KalturaHttpNotificationTemplate',
    id: 12,
    partnerId: 0,
    name: 'Entry Vendor Task Finished Processing (HTTP)',
    systemName: 'Http_Entry_Vendor_Task_Finished_Processing',
    type: 'httpNotification.Http',
    status: 2,
    eventType: '3',
    eventObjectType: '42',
    url: 'http://example.com/please-override',
  },
];

/**
 * `eventNotificationTemplate` (wire service `eventnotification_eventnotificationtemplate`): listTemplates (partner
 * 0's), list (the partner's own, deleted ones excluded), get, clone, update, updateStatus. Kaltura's rules as the
 * service meets them: a clone starts DISABLED; `clone` refuses a system name the partner already uses with
 * `EVENT_NOTIFICATION_TEMPLATE_DUPLICATE_SYSTEM_NAME`; an unknown id is `EVENT_NOTIFICATION_TEMPLATE_NOT_FOUND`.
 * The exception messages follow KalturaEventNotificationErrors' wording; their argument names are unconfirmed.
 */
export class FakeNotificationTemplates {
  readonly templates = new Map<number, FakeNotificationTemplate>();
  private next = 501;

  constructor(
    private readonly partnerId: number,
    private readonly seconds: () => number,
  ) {}

  run(action: string, p: Params): unknown {
    switch (action) {
      case 'listTemplates':
        return this.listResponse(
          PARTNER_ZERO_TEMPLATES.map((t) => ({ ...t, createdAt: 0, updatedAt: 0 })),
          p,
        );
      case 'list':
        return this.listResponse(
          [...this.templates.values()].filter((t) => t.status !== 3),
          p,
        );
      case 'get':
        return { ...this.own(p.id) };
      case 'clone':
        return this.clone(p);
      case 'update':
        return this.update(p);
      case 'updateStatus':
        return this.updateStatus(p);
      default:
        throw new FakeApiError(
          'ACTION_DOES_NOT_EXISTS',
          `Action "${action}" does not exist for service "eventnotification_eventnotificationtemplate"`,
        );
    }
  }

  private notFound(id: unknown): FakeApiError {
    return new FakeApiError(
      'EVENT_NOTIFICATION_TEMPLATE_NOT_FOUND',
      `Event notification template id [${String(id)}] not found`,
      { ID: id },
    );
  }

  private own(id: unknown): FakeNotificationTemplate {
    const template = this.templates.get(int(id) ?? NaN);
    if (!template || template.status === 3) throw this.notFound(id);
    return template;
  }

  private listResponse(all: FakeNotificationTemplate[], p: Params): unknown {
    const filter = (p.filter ?? {}) as Params;
    const systemName = str(filter.systemNameEqual);
    const objects = all.filter((t) => systemName === undefined || t.systemName === systemName);
    return {
      objectType: 'KalturaEventNotificationTemplateListResponse',
      totalCount: objects.length,
      objects,
    };
  }

  private duplicateName(systemName: string, exceptId?: number): void {
    const taken = [...this.templates.values()].some(
      (t) => t.status !== 3 && t.systemName === systemName && t.id !== exceptId,
    );
    if (taken) {
      throw new FakeApiError(
        'EVENT_NOTIFICATION_TEMPLATE_DUPLICATE_SYSTEM_NAME',
        `Event notification template system name [${systemName}] already exists`,
        { SYSTEM_NAME: systemName },
      );
    }
  }

  /** `clone(id, override)`: a copy of a partner-0 template (or the partner's own), DISABLED, with the overrides. */
  private clone(p: Params): FakeNotificationTemplate {
    const id = int(p.id);
    if (id === undefined || Number.isNaN(id)) {
      throw new FakeApiError('MISSING_MANDATORY_PARAMETER', 'Missing parameter "id"', { PARAM_NAME: 'id' });
    }
    const source =
      PARTNER_ZERO_TEMPLATES.find((t) => t.id === id) ??
      [...this.templates.values()].find((t) => t.id === id);
    if (!source || source.status === 3) throw this.notFound(id);
    const override = (p.eventNotificationTemplate ?? {}) as Params;
    const systemName = str(override.systemName) ?? source.systemName;
    this.duplicateName(systemName);
    const now = this.seconds();
    const clone: FakeNotificationTemplate = {
      ...source,
      id: this.next++,
      partnerId: this.partnerId,
      name: str(override.name) ?? source.name,
      systemName,
      description: str(override.description) ?? source.description,
      url: str(override.url) ?? source.url,
      status: 1,
      createdAt: now,
      updatedAt: now,
    };
    this.templates.set(clone.id, clone);
    return { ...clone };
  }

  private update(p: Params): FakeNotificationTemplate {
    const template = this.own(p.id);
    const override = (p.eventNotificationTemplate ?? {}) as Params;
    const systemName = str(override.systemName);
    if (systemName !== undefined) this.duplicateName(systemName, template.id);
    if (systemName !== undefined) template.systemName = systemName;
    if (override.url !== undefined) template.url = str(override.url) ?? template.url;
    if (override.name !== undefined) template.name = str(override.name) ?? template.name;
    template.updatedAt = this.seconds();
    return { ...template };
  }

  private updateStatus(p: Params): FakeNotificationTemplate {
    const template = this.own(p.id);
    const status = int(p.status);
    if (status === undefined || Number.isNaN(status) || !STATUSES.includes(status)) {
      throw new FakeApiError(
        'INVALID_ENUM_VALUE',
        `Invalid enumeration value [${String(p.status)}] for status`,
        {
          VALUE: p.status,
        },
      );
    }
    template.status = status as 1 | 2 | 3;
    template.updatedAt = this.seconds();
    return { ...template };
  }
}
