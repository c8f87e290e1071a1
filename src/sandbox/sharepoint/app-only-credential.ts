/**
 * SharePoint Online refuses app-only tokens obtained with a client secret ("Unsupported app only token."):
 * app-only access needs a certificate credential. The pipeline has verified the token already; this reads
 * its `appidacr` claim (1 = secret, 2 = certificate).
 */
import { decodeJwt, JwtFormatError } from '../auth/jwt.js';

export function isSecretCredential(authorization: string | undefined): boolean {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (token === undefined) return false;
  try {
    return decodeJwt(token).payload['appidacr'] === '1';
  } catch (e) {
    if (e instanceof JwtFormatError) return false;
    throw e;
  }
}
