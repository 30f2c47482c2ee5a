import { Body, Controller, Delete, Get, Param, Patch, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ValidationFailedError } from '../../platform/errors';
import { ApiProblem, CurrentPrincipal, GuildAdmin, Principal } from '../auth';
import {
  CONFIG_SECTIONS,
  ConfigActor,
  ConfigAuditEntry,
  ConfigChange,
  ConfigSection,
  ConfigView,
  GuildConfigService,
} from '../config';
import { API_V1, SNOWFLAKE_EXAMPLE } from './dto';
import { MERGE_PATCH_TYPE } from './merge-patch-body.middleware';

export class ConfigSectionQuery {
  @ApiPropertyOptional({ enum: CONFIG_SECTIONS, description: 'Only this section' })
  @IsOptional()
  @IsIn(CONFIG_SECTIONS)
  section?: ConfigSection;
}

export class ConfigResetQuery {
  @ApiPropertyOptional({ enum: [...CONFIG_SECTIONS, 'all'], default: 'all', description: 'What to reset' })
  @IsOptional()
  @IsIn([...CONFIG_SECTIONS, 'all'])
  section?: ConfigSection | 'all';
}

export class ConfigHistoryQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** The REST shape of a view: `sources` maps each dotted key to `default` or `override`. */
export interface ConfigResponse extends Omit<ConfigView, 'entries'> {
  apiVersion: string;
  sources: Record<string, 'default' | 'override'>;
  changes?: ConfigChange[];
}

const EXAMPLE_PATCH = {
  notifications: { types: { user_join: true }, templates: { meeting_end: '{{meeting.title}} is over.' } },
  roles: { mapping: { '123456789012345678': 'moderator', Teachers: 'admin' } },
  commands: { permissions: { 'kaltura-start': ['Teachers'] } },
};

function toResponse(view: ConfigView, changes?: ConfigChange[]): ConfigResponse {
  const { entries, ...rest } = view;
  return {
    apiVersion: API_V1,
    ...rest,
    sources: Object.fromEntries(entries.map((e) => [e.key, e.source])),
    ...(changes ? { changes } : {}),
  };
}

/** Who is calling, for the audit trail: users keep their Discord id (their Discord and API changes line up). */
function actorOf(principal: Principal): ConfigActor {
  return {
    kind: 'api',
    id: principal.kind === 'api_key' ? `api_key:${principal.subject}` : principal.subject,
    name: principal.displayName,
  };
}

/**
 * `GET|PATCH|DELETE /api/v1/guilds/:guildId/config`: a thin transport over `GuildConfigService`, for the
 * guild's admins only (`@GuildAdmin()`, bound at compile time like every admin route: no mode skips it).
 */
@ApiTags('config')
@ApiParam({ name: 'guildId', description: 'Discord guild id (snowflake)', example: SNOWFLAKE_EXAMPLE })
@Controller({ path: 'guilds/:guildId/config', version: API_V1 })
@GuildAdmin()
export class GuildConfigController {
  constructor(private readonly config: GuildConfigService) {}

  @Get()
  @ApiOperation({ summary: "The guild's effective configuration, each value marked default or override" })
  @ApiOkResponse({ description: 'Effective config, the override, sources, problems; `apiVersion`' })
  async view(@Param('guildId') guildId: string, @Query() query: ConfigSectionQuery): Promise<ConfigResponse> {
    return toResponse(await this.config.view(guildId, query.section ?? null));
  }

  @Patch()
  @ApiOperation({
    summary: 'Change settings with a JSON merge patch (RFC 7396): objects merge, null restores the default',
  })
  @ApiConsumes(MERGE_PATCH_TYPE, 'application/json')
  @ApiBody({ schema: { type: 'object', example: EXAMPLE_PATCH } })
  @ApiOkResponse({ description: 'The configuration after the change, with `changes` (old → new)' })
  @ApiProblem(400, 'The patch is invalid (nothing is stored); `errors` names each bad key.')
  async update(
    @Param('guildId') guildId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConfigResponse> {
    const result = await this.config.update(guildId, withoutApiVersion(body), actorOf(principal));
    return toResponse(result.view, result.changes);
  }

  @Delete()
  @ApiOperation({ summary: 'Reset a section (or everything) to the defaults' })
  @ApiOkResponse({ description: 'The configuration after the reset, with `changes`' })
  async reset(
    @Param('guildId') guildId: string,
    @Query() query: ConfigResetQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ConfigResponse> {
    const result = await this.config.reset(guildId, query.section ?? 'all', actorOf(principal));
    return toResponse(result.view, result.changes);
  }

  @Get('history')
  @ApiOperation({ summary: 'Audited changes of the guild configuration, newest first' })
  async history(
    @Param('guildId') guildId: string,
    @Query() query: ConfigHistoryQuery,
  ): Promise<{ apiVersion: string; guildId: string; entries: ConfigAuditEntry[] }> {
    return {
      apiVersion: API_V1,
      guildId,
      entries: await this.config.history(guildId, query.limit ?? 20),
    };
  }
}

/** Bodies may say which API version they were written for; it is not a configuration key. */
function withoutApiVersion(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('apiVersion' in body))
    return body;
  const { apiVersion, ...patch } = body as Record<string, unknown>;
  if (apiVersion !== API_V1) {
    throw new ValidationFailedError(
      [{ field: 'apiVersion', message: `must be "${API_V1}" (or left out)` }],
      'Unsupported API version.',
    );
  }
  return patch;
}
