/** Access tokens issued by the sandbox token endpoint, and their verification by the routes. */
import { randomUUID } from 'node:crypto';
import type { AppRegistration } from '../state/directory-types.js';
import type { CallerIdentity } from '../http/service.js';
import { claimNumber, claimString, decodeJwt, JwtFormatError, signJwt, verifyJwtSignature } from './jwt.js';
import type { SigningKey } from './signing-key.js';

export const accessTokenLifetimeSeconds = 3599;

export interface IssueTokenInput {
  app: AppRegistration;
  tenantId: string;
  audience: string;
  roles: readonly string[];
  /** 1 = client secret, 2 = certificate. */
  credentialKind: 1 | 2;
  nowMs: number;
}

export function issueAccessToken(key: SigningKey, input: IssueTokenInput): string {
  const iat = Math.floor(input.nowMs / 1000);
  return signJwt(
    { kid: key.kid, x5t: key.kid },
    {
      aud: input.audience,
      iss: `https://sts.windows.net/${input.tenantId}/`,
      iat,
      nbf: iat,
      exp: iat + accessTokenLifetimeSeconds,
      app_displayname: input.app.displayName,
      appid: input.app.appId,
      appidacr: String(input.credentialKind),
      idp: `https://sts.windows.net/${input.tenantId}/`,
      idtyp: 'app',
      oid: input.app.appId,
      roles: [...input.roles],
      sub: input.app.appId,
      tid: input.tenantId,
      uti: randomUUID().replaceAll('-', '').slice(0, 22),
      ver: '1.0',
    },
    key.privateKey,
    'RS256',
  );
}

export type TokenCheck = { ok: true; caller: CallerIdentity } | { ok: false; reason: string };

/** Verifies a bearer token against the signing key, clock, accepted audiences and tenant. */
export function verifyAccessToken(
  authorization: string | undefined,
  key: SigningKey,
  expected: { audiences: readonly string[]; tenantId: string; nowMs: number },
): TokenCheck {
  if (!authorization)
    return { ok: false, reason: 'Authentication failed: the Authorization header is missing.' };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) return { ok: false, reason: 'Access token is empty or not a Bearer token.' };
  let jwt;
  try {
    jwt = decodeJwt(match[1]);
  } catch (e) {
    if (e instanceof JwtFormatError) return { ok: false, reason: 'IDX14100: JWT is not well formed.' };
    throw e;
  }
  if (jwt.header['kid'] !== key.kid || !verifyJwtSignature(jwt, key.publicKey)) {
    return { ok: false, reason: 'Access token validation failure. Invalid signature.' };
  }
  const exp = claimNumber(jwt.payload, 'exp');
  const nbf = claimNumber(jwt.payload, 'nbf') ?? 0;
  const nowSeconds = Math.floor(expected.nowMs / 1000);
  if (exp === undefined || exp <= nowSeconds)
    return { ok: false, reason: 'Lifetime validation failed, the token is expired.' };
  if (nbf > nowSeconds + 300)
    return { ok: false, reason: 'Lifetime validation failed, the token is not yet valid.' };
  const aud = claimString(jwt.payload, 'aud');
  if (aud === undefined || !expected.audiences.some((a) => a.toLowerCase() === aud.toLowerCase())) {
    return { ok: false, reason: 'Invalid audience.' };
  }
  const tid = claimString(jwt.payload, 'tid');
  if (tid !== expected.tenantId) return { ok: false, reason: 'Access token is from a different tenant.' };
  const appId = claimString(jwt.payload, 'appid');
  const rolesClaim = jwt.payload['roles'];
  const roles = Array.isArray(rolesClaim) ? rolesClaim.filter((r): r is string => typeof r === 'string') : [];
  if (!appId) return { ok: false, reason: 'Access token has no appid claim.' };
  return {
    ok: true,
    caller: {
      appId,
      appDisplayName: claimString(jwt.payload, 'app_displayname') ?? appId,
      tenantId: tid,
      audience: aud,
      roles,
    },
  };
}
