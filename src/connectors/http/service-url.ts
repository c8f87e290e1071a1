import { InvalidInputError } from '../../core/errors.js';

/**
 * Maps a real Microsoft 365 URL (`https://host/path`) to the URL the connector actually requests.
 * In production that is the URL itself; against the sandbox it is `${sandboxBaseUrl}/host/path`, the
 * sandbox's URL scheme. Only https URLs are accepted as input, so a value read from a service response
 * can never redirect a request (and its bearer token) to a plain-http host.
 */
export class ServiceUrlMapper {
  private readonly sandboxBase: string | undefined;

  constructor(sandboxBaseUrl?: string) {
    this.sandboxBase = sandboxBaseUrl === undefined ? undefined : sandboxBaseUrl.replace(/\/+$/, '');
  }

  get isSandbox(): boolean {
    return this.sandboxBase !== undefined;
  }

  toRequestUrl(realUrl: string): string {
    const url = parseHttpsUrl(realUrl);
    if (this.sandboxBase === undefined) return url.toString();
    return `${this.sandboxBase}/${url.host}${url.pathname}${url.search}`;
  }

  /** Inverse of toRequestUrl for links a service returns (e.g. nextLink); null when foreign. */
  toRealUrl(requestUrl: string): string | null {
    if (this.sandboxBase === undefined) return requestUrl.startsWith('https://') ? requestUrl : null;
    const prefix = `${this.sandboxBase}/`;
    if (!requestUrl.startsWith(prefix)) return null;
    return `https://${requestUrl.slice(prefix.length)}`;
  }
}

export function parseHttpsUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new InvalidInputError(`Not a valid URL: ${JSON.stringify(value.slice(0, 200))}`, { cause: error });
  }
  if (url.protocol !== 'https:')
    throw new InvalidInputError(`Only https URLs are allowed, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '')
    throw new InvalidInputError('URLs with credentials are not allowed');
  return url;
}
