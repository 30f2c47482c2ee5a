import type { Params } from './api-params';
import { FakeApiError, FakeMediaEntry } from './fake-kaltura.types';

/** `KalturaEntryStatus` (kaltura/server): READY 2, DELETED 3, NO_CONTENT 7 (an entry with no media yet). */
export const ENTRY_STATUS = { READY: 2, DELETED: 3, NO_CONTENT: 7 } as const;
/** `KalturaMediaType`: VIDEO 1, IMAGE 2, AUDIO 5, LIVE_STREAM_* 201-204. */
const MEDIA_TYPES = [1, 2, 5, 201, 202, 203, 204];

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const int = (v: unknown): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : NaN;
};

/** The `ENTRY_ID_NOT_FOUND` API exception (kaltura/server KalturaErrors: `Entry id "@ENTRY_ID@" not found`). */
export function entryNotFound(id: unknown): FakeApiError {
  return new FakeApiError('ENTRY_ID_NOT_FOUND', `Entry id "${String(id)}" not found`, { ENTRY_ID: id });
}

/**
 * Media entries: `media` add/get/list/delete, and the recordings Kaltura makes from a schedule event's template
 * entry. Admin tags are normalised like the server's `ktagword` (trimmed, empty ones dropped; unconfirmed whether
 * the server also lower-cases them: the fake keeps their case, and the service compares ids case-insensitively).
 */
export class FakeEntries {
  readonly entries = new Map<string, FakeMediaEntry>();
  private next = 1;

  constructor(
    private readonly partnerId: number,
    private readonly seconds: () => number,
  ) {}

  run(action: string, p: Params): unknown {
    switch (action) {
      case 'add':
        return this.add(p);
      case 'get':
        return { ...this.live(p.entryId) };
      case 'list':
        return this.list(p);
      case 'delete':
        this.live(p.entryId).status = ENTRY_STATUS.DELETED;
        return null;
      default:
        throw new FakeApiError(
          'ACTION_DOES_NOT_EXISTS',
          `Action "${action}" does not exist for service "media"`,
        );
    }
  }

  live(id: unknown): FakeMediaEntry {
    const entry = this.entries.get(String(id));
    if (!entry || entry.status === ENTRY_STATUS.DELETED) throw entryNotFound(id);
    return entry;
  }

  private newId(): string {
    return `0_${(this.next++).toString(36).padStart(8, 'x')}`;
  }

  /** `media.add`: a `KalturaMediaEntry` (mediaType mandatory, as `KalturaMediaEntry::toInsertableObject` checks). */
  private add(p: Params): FakeMediaEntry {
    const input = p.entry;
    if (typeof input !== 'object' || input === null) {
      throw new FakeApiError('MISSING_MANDATORY_PARAMETER', 'Missing parameter "entry"', {
        PARAM_NAME: 'entry',
      });
    }
    const e = input as Params;
    if (e.objectType !== undefined && e.objectType !== 'KalturaMediaEntry') {
      throw new FakeApiError('INVALID_OBJECT_TYPE', `Invalid object type "${String(e.objectType)}"`, {
        TYPE: e.objectType,
      });
    }
    const mediaType = int(e.mediaType);
    if (mediaType === undefined || Number.isNaN(mediaType)) {
      throw new FakeApiError(
        'PROPERTY_VALIDATION_CANNOT_BE_NULL',
        'The property "mediaType" cannot be null',
        {
          PROP_NAME: 'mediaType',
        },
      );
    }
    if (!MEDIA_TYPES.includes(mediaType)) {
      throw new FakeApiError('INVALID_ENUM_VALUE', `Invalid enumeration value [${mediaType}] for mediaType`, {
        VALUE: mediaType,
        PROP_NAME: 'mediaType',
      });
    }
    const now = this.seconds();
    const entry: FakeMediaEntry = {
      objectType: 'KalturaMediaEntry',
      id: this.newId(),
      partnerId: this.partnerId,
      name: str(e.name) ?? '',
      description: str(e.description),
      tags: normaliseTags(e.tags),
      adminTags: normaliseTags(e.adminTags),
      partnerData: str(e.partnerData),
      referenceId: str(e.referenceId),
      categories: str(e.categories),
      userId: str(e.userId),
      entitledUsersEdit: str(e.entitledUsersEdit),
      entitledUsersPublish: str(e.entitledUsersPublish),
      entitledUsersView: str(e.entitledUsersView),
      mediaType,
      // An entry without media stays NO_CONTENT until something is uploaded or recorded into it.
      status: ENTRY_STATUS.NO_CONTENT,
      duration: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.entries.set(entry.id, entry);
    return { ...entry };
  }

  /**
   * `media.list` with the `KalturaMediaEntryFilter` fields the service uses: `adminTagsLike` (a substring of the
   * admin tags, case-insensitive like the search engine), `statusEqual`, `templateEntryIdEqual`, `idEqual`.
   * Deleted entries are never listed. A filter of another type is refused like the server refuses it.
   */
  private list(p: Params): unknown {
    const filter = (p.filter ?? {}) as Params;
    if (
      filter.objectType !== undefined &&
      !['KalturaMediaEntryFilter', 'KalturaBaseEntryFilter'].includes(String(filter.objectType))
    ) {
      throw new FakeApiError('INVALID_OBJECT_TYPE', `Invalid object type "${String(filter.objectType)}"`, {
        TYPE: filter.objectType,
      });
    }
    const status = int(filter.statusEqual);
    if (Number.isNaN(status)) {
      throw new FakeApiError(
        'INVALID_ENUM_VALUE',
        `Invalid enumeration value [${String(filter.statusEqual)}]`,
      );
    }
    const like = str(filter.adminTagsLike)?.toLowerCase();
    const pager = (p.pager ?? {}) as Params;
    const all = [...this.entries.values()].filter(
      (e) =>
        e.status !== ENTRY_STATUS.DELETED &&
        (status === undefined || e.status === status) &&
        (like === undefined || (e.adminTags ?? '').toLowerCase().includes(like)) &&
        (filter.templateEntryIdEqual === undefined ||
          e.templateEntryId === str(filter.templateEntryIdEqual)) &&
        (filter.idEqual === undefined || e.id === str(filter.idEqual)),
    );
    const size = Math.min(Math.max(int(pager.pageSize) ?? 30, 1), 500);
    const index = Math.max(int(pager.pageIndex) ?? 1, 1);
    return {
      objectType: 'KalturaMediaListResponse',
      totalCount: all.length,
      objects: all.slice((index - 1) * size, index * size).map((e) => ({ ...e })),
    };
  }

  /**
   * What Kaltura does when a session with a `templateEntryId` is recorded: a new entry copied from the template
   * with `entry::copyTemplate` semantics — exactly name, tags, adminTags, partnerData, description, owner
   * (`userId`) and entitlements are copied, `templateEntryId` is set; `referenceId` and categories are NOT copied
   * (kaltura/server alpha/lib/model/entry.php). The recording is then READY with the given duration.
   */
  recordFrom(templateId: string, durationSeconds: number): FakeMediaEntry {
    const template = this.live(templateId);
    const now = this.seconds();
    const recording: FakeMediaEntry = {
      objectType: 'KalturaMediaEntry',
      id: this.newId(),
      partnerId: this.partnerId,
      name: template.name,
      tags: template.tags,
      adminTags: template.adminTags,
      partnerData: template.partnerData,
      description: template.description,
      userId: template.userId,
      entitledUsersEdit: template.entitledUsersEdit,
      entitledUsersPublish: template.entitledUsersPublish,
      entitledUsersView: template.entitledUsersView,
      templateEntryId: template.id,
      mediaType: template.mediaType,
      status: ENTRY_STATUS.READY,
      duration: durationSeconds,
      createdAt: now,
      updatedAt: now,
    };
    this.entries.set(recording.id, recording);
    return { ...recording };
  }

  /** An entry that is not the service's (another integration's upload), straight into the store. */
  seed(entry: Partial<FakeMediaEntry>): FakeMediaEntry {
    const now = this.seconds();
    const stored: FakeMediaEntry = {
      objectType: 'KalturaMediaEntry',
      id: this.newId(),
      partnerId: this.partnerId,
      name: 'Someone else',
      mediaType: 1,
      status: ENTRY_STATUS.READY,
      duration: 60,
      createdAt: now,
      updatedAt: now,
      ...entry,
    };
    this.entries.set(stored.id, stored);
    return { ...stored };
  }
}

function normaliseTags(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return String(value)
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .join(',');
}
