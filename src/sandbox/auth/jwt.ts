/** Compact JWS (RS256 / PS256) signing and verification with node:crypto. */
import { constants, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'RS256' | 'PS256';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export class JwtFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtFormatError';
  }
}

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

function parseJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtFormatError(`JWT ${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtFormatError(`JWT ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Splits and decodes a compact JWS without verifying it. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p.length === 0 || !/^[A-Za-z0-9_-]+$/.test(p))) {
    throw new JwtFormatError('JWT must have three base64url parts');
  }
  const [h, p, s] = parts as [string, string, string];
  return {
    header: parseJsonObject(h, 'header'),
    payload: parseJsonObject(p, 'payload'),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

function padding(alg: JwtAlgorithm): { padding: number; saltLength?: number } {
  return alg === 'PS256'
    ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { padding: constants.RSA_PKCS1_PADDING };
}

export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject,
  alg: JwtAlgorithm = 'RS256',
): string {
  const input = `${b64url(JSON.stringify({ ...header, alg, typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, ...padding(alg) });
  return `${input}.${b64url(signature)}`;
}

/** Verifies the signature with the algorithm named in the header (RS256 or PS256 only). */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject | string): boolean {
  const alg = jwt.header['alg'];
  if (alg !== 'RS256' && alg !== 'PS256') return false;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return verify('sha256', Buffer.from(jwt.signingInput), { key, ...padding(alg) }, jwt.signature);
}

export function claimString(payload: Record<string, unknown>, name: string): string | undefined {
  const v = payload[name];
  return typeof v === 'string' ? v : undefined;
}

export function claimNumber(payload: Record<string, unknown>, name: string): number | undefined {
  const v = payload[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
