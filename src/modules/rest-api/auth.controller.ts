import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ValidationFailedError } from '../../platform/errors';
import {
  ApiProblem,
  AuthRateLimit,
  Authenticated,
  CurrentPrincipal,
  IdentityService,
  Principal,
  RateLimited,
  TokenService,
  kalturaUserIdFor,
} from '../auth';
import { API_V1, MeResponseDto, RefreshRequestDto, TokenRequestDto, TokenResponseDto } from './dto';
import { guildList, toTokenResponse } from './rest-api.mappers';

/** Fields that belong to `discord_code` only; sending them with `api_key` is a client bug worth reporting. */
const DISCORD_ONLY = ['code', 'redirect_uri', 'guild_ids'] as const;

/** `/api/v1/auth/*`: token grants, refresh, and who-am-I. Strictly rate-limited per IP. */
@ApiTags('auth')
@AuthRateLimit()
@Controller({ path: 'auth', version: API_V1 })
export class AuthController {
  constructor(
    private readonly tokens: TokenService,
    private readonly identities: IdentityService,
  ) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @RateLimited()
  @ApiOperation({
    summary: 'Exchange a Discord authorization code or a guild API key for an access token',
    description:
      '`discord_code`: the code from Discord OAuth2 (scope `identify`); membership and roles in each of `guild_ids` ' +
      'are looked up with the bot. `api_key`: a key created by a guild admin; no refresh token is issued.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblem(400, 'Invalid request, or the grant type is not enabled.')
  @ApiProblem(401, 'The code or key is invalid, expired or already used.')
  @ApiProblem(403, 'The user is not a member of a requested guild.')
  @ApiProblem(503, 'Discord cannot be reached.')
  async token(@Body() body: TokenRequestDto): Promise<TokenResponseDto> {
    if (body.grant_type === 'api_key') {
      const stray = DISCORD_ONLY.filter((f) => body[f] !== undefined);
      if (stray.length > 0) {
        throw new ValidationFailedError(
          stray.map((field) => ({ field, message: 'is not used with grant_type api_key' })),
        );
      }
      return toTokenResponse(await this.tokens.exchangeApiKey(body.api_key as string));
    }
    if (body.api_key !== undefined) {
      throw new ValidationFailedError([
        { field: 'api_key', message: 'is only used with grant_type api_key' },
      ]);
    }
    const grant = await this.tokens.exchangeDiscordCode({
      code: body.code as string,
      redirectUri: body.redirect_uri,
      guildIds: body.guild_ids ?? [],
    });
    return toTokenResponse(grant);
  }

  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @RateLimited()
  @ApiOperation({
    summary: 'Rotate a refresh token',
    description:
      'Returns a new access token and a new refresh token; the old one stops working. Roles are looked up again. ' +
      'Presenting an already used refresh token revokes the whole sign-in session.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblem(400, 'Invalid request.')
  @ApiProblem(401, 'The refresh token is invalid, expired, revoked or reused.')
  @ApiProblem(503, 'Discord cannot be reached.')
  async refresh(@Body() body: RefreshRequestDto): Promise<TokenResponseDto> {
    return toTokenResponse(await this.tokens.refresh(body.refresh_token));
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who the access token speaks for, and its guilds and roles' })
  @ApiOkResponse({ type: MeResponseDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeResponseDto> {
    const identity = principal.kind === 'user' ? await this.identities.get(principal.subject) : null;
    return {
      apiVersion: API_V1,
      kind: principal.kind,
      subject: principal.subject,
      displayName: principal.displayName,
      ...(principal.kind === 'user'
        ? { kalturaUserId: identity?.kalturaUserId ?? kalturaUserIdFor(principal.subject) }
        : {}),
      guilds: guildList(principal.guilds),
      expiresAt: principal.expiresAt.toISOString(),
    };
  }
}
