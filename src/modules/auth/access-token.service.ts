import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { Settings } from '../../platform/settings';
import { ApiKeyRepository } from './api-key.port';
import { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from './auth.constants';
import { authErrors } from './auth.errors';

import {
  AccessClaims,
  GuildScopes,
  Principal,
  PrincipalKind,
  SNOWFLAKE,
  isGuildScopes,
} from './domain/principal';

/** Verified tokens remembered (oldest dropped first); each entry is a few hundred bytes. */
const VERIFIED_CACHE_SIZE = 10_000;

/** A freshly signed access token. */
export interface IssuedAccessToken {
  token: string;
  tokenId: string;
  expiresIn: number;
  expiresAt: Date;
}

interface VerifiedPayload extends Partial<AccessClaims> {
  sub?: unknown;
  jti?: unknown;
  exp?: unknown;
}

/**
 * Signs and checks the REST API's access JWTs: HS256 only, `iss`/`aud` set and required, lifetime
 * `JWT_EXPIRY`. A token is accepted only if every claim has the expected shape, and an API key's token only
 * while the key is not revoked.
 */
@Injectable()
export class AccessTokenService {
  private readonly verified = new Map<string, Principal>();

  constructor(
    private readonly jwt: JwtService,
    private readonly settings: Settings,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  issue(input: {
    kind: PrincipalKind;
    subject: string;
    displayName: string;
    guilds: GuildScopes;
  }): IssuedAccessToken {
    const expiresIn = this.settings.jwt.expirySeconds;
    const tokenId = randomUUID();
    const claims: AccessClaims = { typ: input.kind, name: input.displayName, guilds: input.guilds };
    const token = this.jwt.sign(claims, {
      algorithm: JWT_ALGORITHM,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      subject: input.subject,
      jwtid: tokenId,
      expiresIn,
    });
    return { token, tokenId, expiresIn, expiresAt: new Date(Date.now() + expiresIn * 1000) };
  }

  /**
   * Signature, algorithm, issuer, audience, expiry and claim shapes. Throws 401 domain errors. Successful checks
   * are remembered per token until it expires: one request checks its token in two guards, and a client sends
   * the same token many times.
   */
  verify(token: string): Principal {
    const known = this.verified.get(token);
    if (known && known.expiresAt.getTime() > Date.now()) return known;
    const principal = this.verifySignature(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE)
      this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, principal);
    return principal;
  }

  private verifySignature(token: string): Principal {
    let payload: VerifiedPayload;
    try {
      payload = this.jwt.verify<VerifiedPayload>(token, {
        algorithms: [JWT_ALGORITHM],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      });
    } catch (err) {
      throw (err as Error | undefined)?.name === 'TokenExpiredError'
        ? authErrors.expired()
        : authErrors.invalidToken();
    }
    return toPrincipal(payload);
  }

  /** `verify`, plus the API key behind an API-key token must still be active. */
  async authenticate(token: string): Promise<Principal> {
    const principal = this.verify(token);
    if (principal.kind === 'api_key') {
      const key = await this.apiKeys.findById(principal.subject);
      const [guildId] = Object.keys(principal.guilds);
      if (!key || key.revokedAt !== null || key.guildId !== guildId) throw authErrors.invalidToken();
    }
    return principal;
  }
}

function toPrincipal(p: VerifiedPayload): Principal {
  const kind = p.typ;
  const subjectOk =
    typeof p.sub === 'string' &&
    ((kind === 'user' && SNOWFLAKE.test(p.sub)) || (kind === 'api_key' && /^ak_[0-9a-f]{24}$/.test(p.sub)));
  if (
    !subjectOk ||
    typeof p.name !== 'string' ||
    typeof p.jti !== 'string' ||
    typeof p.exp !== 'number' ||
    !isGuildScopes(p.guilds) ||
    (kind === 'api_key' && Object.keys(p.guilds).length !== 1)
  ) {
    throw authErrors.invalidToken();
  }
  return {
    kind,
    subject: p.sub as string,
    displayName: p.name,
    guilds: p.guilds,
    tokenId: p.jti,
    expiresAt: new Date(p.exp * 1000),
  };
}
