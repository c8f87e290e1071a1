import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * msal-common validates every authority as an https URI (`authority_uri_insecure`), so msal can not be
 * pointed at the sandbox's plain-http token endpoint directly. Instead msal keeps its real https
 * authority (`https://login.microsoftonline.com/{tenant}`) and this network client, installed only in
 * sandbox mode, rewrites that origin to the sandbox (`http://127.0.0.1:4010/login.microsoftonline.com`)
 * at the last moment. Any other URL is refused, so a sandbox run never talks to the internet and
 * production (which uses msal's own client) is unaffected.
 */
export class SandboxAuthorityNetworkClient implements INetworkModule {
  private readonly realPrefix: string;
  private readonly sandboxPrefix: string;

  constructor(
    /** Host msal believes it talks to, e.g. `login.microsoftonline.com`. */
    authorityHostName: string,
    /** Where that host lives in the sandbox, e.g. `http://127.0.0.1:4010/login.microsoftonline.com`. */
    sandboxAuthorityBase: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.realPrefix = `https://${authorityHostName.toLowerCase()}/`;
    this.sandboxPrefix = `${sandboxAuthorityBase.replace(/\/+$/, '')}/`;
  }

  /** The sandbox URL for a URL msal asked for. Throws for anything outside the authority. */
  rewrite(url: string): string {
    if (!url.toLowerCase().startsWith(this.realPrefix)) {
      throw new Error(`Sandbox mode: refusing a request outside the authority (${new URL(url).host})`);
    }
    return this.sandboxPrefix + url.slice(this.realPrefix.length);
  }

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const response = await fetch(this.rewrite(url), {
      method,
      headers: options?.headers ?? {},
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      signal: AbortSignal.timeout(timeout ?? this.timeoutMs),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const text = await response.text();
    // msal reads OAuth error fields from the body; a non-JSON body (a proxy error page) becomes an
    // error object msal reports as a server error instead of a parse failure.
    const body = parseJsonObject(text) ?? {
      error: 'invalid_response',
      error_description: `HTTP ${response.status}`,
    };
    return { headers, status: response.status, body: body as T };
  }
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}
