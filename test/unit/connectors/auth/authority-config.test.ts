import { readFileSync } from 'node:fs';
import { ServerError } from '@azure/msal-node';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import {
  InvalidInputError,
  PermissionDeniedError,
  ThrottledError,
  UnavailableError,
} from '../../../../src/core/errors.js';
import { toLifecycleAuthError } from '../../../../src/connectors/auth/auth-errors.js';
import { buildAuthorityConfig } from '../../../../src/connectors/auth/authority-metadata.js';
import { certificateCredentialFromPem } from '../../../../src/connectors/auth/certificate-credential.js';
import { EntraAppAuth, parseAuthorityHost } from '../../../../src/connectors/auth/entra-app-auth.js';
import { sharePointScope } from '../../../../src/connectors/auth/resource-scopes.js';
import { SandboxAuthorityNetworkClient } from '../../../../src/connectors/auth/sandbox-authority-network-client.js';

const TENANT = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';
const silent = pino({ level: 'silent' });

describe('authority metadata', () => {
  it('describes the tenant authority without any discovery endpoint left to call', () => {
    const config = buildAuthorityConfig('login.microsoftonline.com', TENANT);
    expect(config.authority).toBe(`https://login.microsoftonline.com/${TENANT}`);
    expect(JSON.parse(config.authorityMetadata)).toMatchObject({
      token_endpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    });
    expect(JSON.parse(config.cloudDiscoveryMetadata).metadata[0].aliases).toContain(
      'login.microsoftonline.com',
    );
    expect(config.knownAuthorities).toEqual(['login.microsoftonline.com']);
  });

  it('refuses a tenant that could alter the URL', () => {
    expect(() => buildAuthorityConfig('login.microsoftonline.com', '../common')).toThrow();
  });
});

describe('authority host', () => {
  it('uses an https origin directly in production', () => {
    expect(parseAuthorityHost('https://login.microsoftonline.com', false)).toEqual({
      hostName: 'login.microsoftonline.com',
    });
  });

  it('maps a sandbox base to the real host name plus a rewrite target', () => {
    expect(parseAuthorityHost('http://127.0.0.1:4010/login.microsoftonline.com/', true)).toEqual({
      hostName: 'login.microsoftonline.com',
      sandboxBase: 'http://127.0.0.1:4010/login.microsoftonline.com',
    });
  });

  it('refuses plain http outside sandbox mode', () => {
    expect(() => parseAuthorityHost('http://127.0.0.1:4010/login.microsoftonline.com', false)).toThrow(
      InvalidInputError,
    );
  });
});

describe('sandbox network client', () => {
  const client = new SandboxAuthorityNetworkClient(
    'login.microsoftonline.com',
    'http://127.0.0.1:4010/login.microsoftonline.com',
  );

  it('rewrites the authority to the sandbox', () => {
    expect(client.rewrite(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`)).toBe(
      `http://127.0.0.1:4010/login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
    );
  });

  it('refuses any other host, so a sandbox run never reaches the internet', () => {
    expect(() => client.rewrite('https://login.microsoftonline.com.evil.example/x')).toThrow(/refusing/);
    expect(() => client.rewrite('https://graph.microsoft.com/v1.0/me')).toThrow(/refusing/);
  });
});

describe('credentials', () => {
  it('computes the SHA-256 thumbprint and PKCS#8 key from PEM files', () => {
    const certificatePem = readFileSync('src/sandbox/seed/certs/lifecycle-sandbox.crt', 'utf8');
    const privateKeyPem = readFileSync('src/sandbox/seed/certs/lifecycle-sandbox.key', 'utf8');
    const credential = certificateCredentialFromPem({ certificatePem, privateKeyPem, sendX5c: true });
    expect(credential.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(credential.privateKey).toContain('BEGIN PRIVATE KEY');
    expect(credential.x5c).toContain('BEGIN CERTIFICATE');
  });

  it('refuses a key that does not match the certificate', () => {
    const certificatePem = readFileSync('src/sandbox/seed/certs/lifecycle-sandbox.crt', 'utf8');
    expect(() => certificateCredentialFromPem({ certificatePem, privateKeyPem: 'not a key' })).toThrow(
      InvalidInputError,
    );
  });

  it('validates ids and scopes up front', () => {
    const credential = { kind: 'secret' as const, clientSecret: 's' };
    expect(
      () => new EntraAppAuth({ tenantId: TENANT, clientId: 'not-a-guid', credential, logger: silent }),
    ).toThrow(InvalidInputError);
    const auth = new EntraAppAuth({ tenantId: TENANT, clientId: CLIENT, credential, logger: silent });
    expect(() => auth.tokenProvider('https://graph.microsoft.com/User.Read')).toThrow(InvalidInputError);
    expect(auth.tokenProvider('https://graph.microsoft.com/.default').credentialKind).toBe('secret');
    expect(sharePointScope('https://contoso-admin.sharepoint.com/')).toBe(
      'https://contoso-admin.sharepoint.com/.default',
    );
  });
});

describe('token errors', () => {
  it('maps OAuth errors to typed errors without echoing the response text', () => {
    const refused = toLifecycleAuthError(
      new ServerError(
        'invalid_client',
        'cid',
        'AADSTS7000215: Invalid client secret provided. Trace ID: x',
        undefined,
        undefined,
        401,
      ),
      'scope',
    );
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect(refused.message).toContain('AADSTS7000215');
    expect(refused.message).not.toContain('Trace ID');
    expect(
      toLifecycleAuthError(new ServerError('x', 'cid', '', undefined, undefined, 429), 's'),
    ).toBeInstanceOf(ThrottledError);
    expect(
      toLifecycleAuthError(new ServerError('x', 'cid', '', undefined, undefined, 503), 's'),
    ).toBeInstanceOf(UnavailableError);
  });
});

describe('token reuse', () => {
  it('asks msal once per scope until five minutes before expiry, and again on a forced refresh', async () => {
    const { ConfidentialClientApplication } = await import('@azure/msal-node');
    let issued = 0;
    let lifetimeMs = 3_600_000;
    const spy = vi
      .spyOn(ConfidentialClientApplication.prototype, 'acquireTokenByClientCredential')
      .mockImplementation(() => {
        issued += 1;
        return Promise.resolve({
          accessToken: `token-${issued}`,
          expiresOn: new Date(Date.now() + lifetimeMs),
          fromCache: false,
        } as Awaited<
          ReturnType<InstanceType<typeof ConfidentialClientApplication>['acquireTokenByClientCredential']>
        >);
      });
    try {
      const credential = { kind: 'secret' as const, clientSecret: 's' };
      const auth = new EntraAppAuth({ tenantId: TENANT, clientId: CLIENT, credential, logger: silent });
      const graph = auth.tokenProvider('https://graph.microsoft.com/.default');
      expect(await graph.getToken()).toBe('token-1');
      expect(await graph.getToken()).toBe('token-1');
      expect(issued).toBe(1);
      expect(await graph.getToken({ forceRefresh: true })).toBe('token-2');
      expect(await graph.getToken()).toBe('token-2');
      expect(issued).toBe(2);
      // A token within five minutes of its expiry is never reused.
      lifetimeMs = 4 * 60_000;
      expect(await auth.tokenProvider('https://outlook.office365.com/.default').getToken()).toBe('token-3');
      expect(await auth.tokenProvider('https://outlook.office365.com/.default').getToken()).toBe('token-4');
    } finally {
      spy.mockRestore();
    }
  });
});
