import { describe, expect, it } from 'vitest';
import type { TokenProvider } from '../../../../src/connectors/auth/token-provider.js';
import { fetchWithFreshTokenOn401 } from '../../../../src/connectors/http/fresh-token-fetch.js';

function tokens(): TokenProvider & { requests: boolean[] } {
  const requests: boolean[] = [];
  return {
    scope: 'https://outlook.office365.com/.default',
    credentialKind: 'certificate',
    requests,
    getToken(options) {
      requests.push(options?.forceRefresh === true);
      return Promise.resolve(`token-${requests.length}`);
    },
  };
}

describe('fetchWithFreshTokenOn401', () => {
  it('sends once with the cached token when the service accepts it', async () => {
    const provider = tokens();
    const response = await fetchWithFreshTokenOn401(provider, () => Promise.resolve(new Response('ok')));
    expect(await response.text()).toBe('ok');
    expect(provider.requests).toEqual([false]);
  });

  it('sends again with a token fetched past the cache after a 401, draining the refused answer', async () => {
    const provider = tokens();
    const refused = new Response('expired', { status: 401 });
    const sent: string[] = [];
    const response = await fetchWithFreshTokenOn401(provider, (token) => {
      sent.push(token);
      return Promise.resolve(sent.length === 1 ? refused : new Response('ok'));
    });
    expect(response.status).toBe(200);
    expect(sent).toEqual(['token-1', 'token-2']);
    expect(provider.requests).toEqual([false, true]);
    expect(refused.bodyUsed).toBe(true);
  });

  it('returns the second 401 for the caller to translate', async () => {
    const provider = tokens();
    const response = await fetchWithFreshTokenOn401(provider, () =>
      Promise.resolve(new Response('no', { status: 401 })),
    );
    expect(response.status).toBe(401);
    expect(provider.requests).toEqual([false, true]);
  });
});
