/**
 * Authenticates a confidential client: a client secret, or a client assertion (RFC 7523) signed with the key
 * of a registered certificate, the way msal-node sends it (RS256 + `x5t`, or PS256 + `x5t#S256`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppRegistration } from '../state/directory-types.js';
import { claimNumber, claimString, decodeJwt, JwtFormatError, verifyJwtSignature } from './jwt.js';

export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type CredentialCheck =
  { ok: true; kind: 1 | 2 } | { ok: false; status: number; error: string; code: number; description: string };

export interface CredentialInput {
  clientSecret: string | null;
  assertionType: string | null;
  assertion: string | null;
  /** Audiences the assertion may name (the token endpoint URL as called, and its public equivalent). */
  acceptedAudiences: readonly string[];
  nowMs: number;
}

const invalidClient = (code: number, description: string): CredentialCheck => ({
  ok: false,
  status: 401,
  error: 'invalid_client',
  code,
  description,
});

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function checkClientCredentials(app: AppRegistration, input: CredentialInput): CredentialCheck {
  if (input.clientSecret !== null) {
    const given = Buffer.from(hashSecret(input.clientSecret), 'hex');
    const isValid = app.secretSha256.some((h) => {
      const stored = Buffer.from(h, 'hex');
      return stored.length === given.length && timingSafeEqual(stored, given);
    });
    return isValid
      ? { ok: true, kind: 1 }
      : invalidClient(
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
        );
  }
  if (input.assertion === null) {
    return invalidClient(
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (input.assertionType !== jwtBearerAssertionType) {
    return invalidClient(
      7000219,
      "'client_assertion_type' must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
    );
  }
  return checkAssertion(app, input);
}

function checkAssertion(app: AppRegistration, input: CredentialInput): CredentialCheck {
  let jwt;
  try {
    jwt = decodeJwt(input.assertion ?? '');
  } catch (e) {
    if (e instanceof JwtFormatError) return invalidClient(50027, 'JWT token is invalid or malformed.');
    throw e;
  }
  const x5t = jwt.header['x5t'];
  const x5t256 = jwt.header['x5t#S256'];
  const cert = app.certificates.find(
    (c) =>
      (typeof x5t256 === 'string' && c.thumbprintSha256 === x5t256) ||
      (typeof x5t === 'string' && c.thumbprintSha1 === x5t),
  );
  if (!cert) {
    return invalidClient(
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.appId}'.]`,
    );
  }
  if (!verifyJwtSignature(jwt, cert.publicKeyPem)) {
    return invalidClient(700027, 'Client assertion failed signature validation.');
  }
  const iss = claimString(jwt.payload, 'iss');
  const sub = claimString(jwt.payload, 'sub');
  if (iss !== app.appId || sub !== app.appId) {
    return invalidClient(
      700021,
      `Client assertion application identifier doesn't match 'client_id' parameter.`,
    );
  }
  const aud = claimString(jwt.payload, 'aud');
  if (aud === undefined || !input.acceptedAudiences.some((a) => a.toLowerCase() === aud.toLowerCase())) {
    return invalidClient(
      700212,
      `No matching federated identity record found for presented assertion audience '${aud ?? ''}'.`,
    );
  }
  const exp = claimNumber(jwt.payload, 'exp');
  const nbf = claimNumber(jwt.payload, 'nbf');
  const now = Math.floor(input.nowMs / 1000);
  if (exp === undefined || exp <= now - 300 || (nbf !== undefined && nbf > now + 300)) {
    return invalidClient(700024, 'Client assertion is not within its valid time range.');
  }
  return { ok: true, kind: 2 };
}
