import type { TokenProvider } from '../auth/token-provider.js';

/**
 * Sends a request with a bearer token. A 401 is sent once more with a token fetched past the cache
 * (the cached one may have been revoked or issued before a consent); the second answer is final.
 * The refused response's body is drained so the connection can be reused.
 */
export async function fetchWithFreshTokenOn401(
  tokens: TokenProvider,
  send: (token: string) => Promise<Response>,
): Promise<Response> {
  let isRefreshed = false;
  for (;;) {
    const token = await tokens.getToken({ forceRefresh: isRefreshed });
    const response = await send(token);
    if (response.status !== 401 || isRefreshed) return response;
    await response.arrayBuffer();
    isRefreshed = true;
  }
}
