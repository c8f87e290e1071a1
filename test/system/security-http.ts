/**
 * Offline Bot Framework authentication for the security matrix. botbuilder validates channel tokens
 * against the Bot Framework OpenID metadata (`login.botframework.com`), which is unreachable here.
 * `OpenIdMetadataStub` serves an OpenID configuration and a JWKS on loopback with a key we hold, and
 * `useLocalBotFrameworkMetadata` puts botbuilder's own `OpenIdMetadata` (its real fetch, cache and key
 * lookup) for that URL into `JwtTokenExtractor`'s per-URL metadata cache, so the real validation code
 * runs unchanged and only the key source is local. Production code is untouched.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, createSign, type KeyObject } from 'node:crypto';
import { AuthenticationConstants } from 'botframework-connector';
// Not re-exported by the package index; the package has no `exports` map, so the files are importable.
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor.js';
import { OpenIdMetadata } from 'botframework-connector/lib/auth/openIdMetadata.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** An RS256 JWT. */
export function signJwt(key: SigningKey, claims: Record<string, unknown>, kid = key.kid): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = b64url(JSON.stringify(claims));
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(key.privateKey).toString('base64url')}`;
}

export interface OpenIdMetadataStub {
  url: string;
  /** How many times botbuilder fetched the configuration or the keys. */
  fetches: number;
  close(): Promise<void>;
}

export async function startOpenIdMetadataStub(
  key: SigningKey,
  endorsements: string[],
): Promise<OpenIdMetadataStub> {
  const jwk = key.publicKey.export({ format: 'jwk' });
  let base = '';
  const stub = { url: '', fetches: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    stub.fetches += 1;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(
        JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/v1/.well-known/keys` }),
      );
    } else if (req.url === '/v1/.well-known/keys') {
      res.end(JSON.stringify({ keys: [{ ...jwk, kid: key.kid, use: 'sig', endorsements }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.url = `${base}/v1/.well-known/openidconfiguration`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  return stub;
}

interface MetadataCacheHolder {
  openIdMetadataCache: Map<string, OpenIdMetadata>;
}

/** Answers lookups of the public Bot Framework metadata URL from `localUrl` (see the file comment). */
export function useLocalBotFrameworkMetadata(localUrl: string): () => void {
  const cache = (JwtTokenExtractor as unknown as MetadataCacheHolder).openIdMetadataCache;
  const publicUrl = AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl;
  const previous = cache.get(publicUrl);
  cache.set(publicUrl, new OpenIdMetadata(localUrl));
  return () => {
    if (previous) cache.set(publicUrl, previous);
    else cache.delete(publicUrl);
  };
}

export interface RawResponse {
  status: number;
  body: string;
}

/** A raw HTTP POST (fetch can't bind a local address or send a body that is not valid JSON on purpose). */
export function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  localAddress?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
        ...(localAddress && { localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
