/** The key pair the sandbox signs its access tokens with (made once per process; published as JWKS). */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface SigningKey {
  /** Key id (`kid` header), a short hash of the public key. */
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK for the `keys` endpoint. */
  jwk: Record<string, unknown>;
}

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha256').update(der).digest('base64url').slice(0, 27);
  const exported = publicKey.export({ format: 'jwk' });
  return { kid, privateKey, publicKey, jwk: { ...exported, kid, use: 'sig', kty: 'RSA', alg: 'RS256' } };
}
