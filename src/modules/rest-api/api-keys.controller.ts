import { Body, Controller, Delete, Get, Header, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiKeyService, ApiProblem, CurrentPrincipal, GuildMember, Principal } from '../auth';
import {
  API_V1,
  ApiKeyCreatedDto,
  ApiKeyListDto,
  ApiKeyResponseDto,
  CreateApiKeyDto,
  SNOWFLAKE_EXAMPLE,
} from './dto';
import { toApiKeyDto } from './rest-api.mappers';

/** `/api/v1/guilds/:guildId/api-keys`: guild admins (signed in with Discord) manage the guild's API keys. */
@ApiTags('api-keys')
@ApiParam({ name: 'guildId', example: SNOWFLAKE_EXAMPLE })
@Controller({ path: 'guilds/:guildId/api-keys', version: API_V1 })
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @GuildMember('admin', { userOnly: true })
  @ApiOperation({
    summary: 'Create an API key (shown once)',
    description: 'Guild admins only, signed in with Discord.',
  })
  @ApiCreatedResponse({ type: ApiKeyCreatedDto })
  @ApiProblem(400, 'Invalid request.')
  @ApiProblem(409, 'The guild already holds the maximum number of active keys.')
  async create(
    @Param('guildId') guildId: string,
    @Body() body: CreateApiKeyDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ApiKeyCreatedDto> {
    const { key, plaintext } = await this.keys.create({
      guildId,
      name: body.name.trim(),
      role: body.role ?? 'moderator',
      createdBy: principal.subject,
    });
    return { apiVersion: API_V1, apiKey: toApiKeyDto(key), key: plaintext };
  }

  @Get()
  @GuildMember('admin', { userOnly: true })
  @ApiOperation({ summary: "List the guild's active API keys (never the keys themselves)" })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(@Param('guildId') guildId: string): Promise<ApiKeyListDto> {
    return { apiVersion: API_V1, items: (await this.keys.list(guildId)).map(toApiKeyDto) };
  }

  @Delete(':id')
  @GuildMember('admin', { userOnly: true })
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'Tokens already issued for it stop working at once.',
  })
  @ApiParam({ name: 'id', example: 'ak_5f1c0a9e3b7d2c4a6e8f0b1d' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  @ApiProblem(404, 'No active key with this id in this guild.')
  async revoke(@Param('guildId') guildId: string, @Param('id') id: string): Promise<ApiKeyResponseDto> {
    return { apiVersion: API_V1, apiKey: toApiKeyDto(await this.keys.revoke(guildId, id)) };
  }
}
