import type { ApiKey, GuildScopes, TokenGrant } from '../auth';
import type { Meeting } from '../meetings';
import type { Attendee } from '../notification';
import { API_V1 } from './dto/api-version';
import type { ApiKeyDto, AttendeeDto, MeetingDto, TokenResponseDto } from './dto';

/** Domain objects → response bodies. Only listed fields leave the service (no Kaltura ids, no hashes). */
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toMeetingDto(m: Meeting): MeetingDto {
  return {
    id: m.id,
    guildId: m.guildId,
    channelId: m.channelId,
    hostId: m.hostId,
    hostName: m.hostName,
    title: m.title,
    description: m.description,
    type: m.type,
    status: m.status,
    createdAt: m.createdAt.toISOString(),
    endedAt: iso(m.endedAt),
    endedBy: m.endedBy,
  };
}

export function toAttendeeDto(a: Attendee): AttendeeDto {
  return {
    memberId: a.memberId,
    displayName: a.displayName,
    role: a.role,
    firstLinkAt: a.firstAt.toISOString(),
    lastLinkAt: a.lastAt.toISOString(),
    links: a.count,
  };
}

export function toApiKeyDto(k: ApiKey): ApiKeyDto {
  return {
    id: k.id,
    guildId: k.guildId,
    name: k.name,
    role: k.role,
    hint: k.hint,
    createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}

export const guildList = (guilds: GuildScopes) =>
  Object.entries(guilds).map(([guildId, role]) => ({ guildId, role }));

export function toTokenResponse(grant: TokenGrant): TokenResponseDto {
  return {
    apiVersion: API_V1,
    access_token: grant.access.token,
    token_type: 'Bearer',
    expires_in: grant.access.expiresIn,
    ...(grant.refresh
      ? {
          refresh_token: grant.refresh.token,
          refresh_token_expires_in: Math.max(
            0,
            Math.floor((grant.refresh.expiresAt.getTime() - Date.now()) / 1000),
          ),
        }
      : {}),
    subject_type: grant.kind,
    subject: grant.subject,
    guilds: guildList(grant.guilds).map(({ guildId, role }) => ({ guild_id: guildId, role })),
  };
}
