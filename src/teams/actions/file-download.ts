/**
 * Files sent to the bot (joiners and leavers CSVs): Teams hands over a pre-authenticated download
 * link on the sender's OneDrive. The link is attacker-controlled data, so:
 * - only https links to the tenant's own SharePoint hosts (`contoso-my.sharepoint.com`,
 *   `contoso.sharepoint.com`) are fetched, on the default port, without credentials in the URL; in
 *   sandbox mode the sandbox's host (loopback, http) is allowed too. Anything else is refused and
 *   audited before any request is made;
 * - redirects are not followed, the wait is bounded, and the byte cap is enforced while the body
 *   streams (a body without Content-Length is never read whole);
 * - every network failure (refused connection, timeout, HTTP error status, redirect) gets one text,
 *   so the answer tells nothing about what listens where; the detail goes to the log;
 * - each download is audited (`file.downloaded`): who, which host and path (never the query, which
 *   holds the link's token), how many bytes, and the outcome.
 * The guard has checked the sender's role before any of this runs.
 */
import { CsvFileError } from '../../core/csv-records.js';
import type { Turn } from '../route.js';

/** Where files may come from; built by the composition root from the tenant's SharePoint hosts. */
export interface DownloadPolicy {
  /** Host names reachable over https on the default port (lower case). */
  httpsHosts: readonly string[];
  /** Sandbox mode only: the sandbox's host name, reachable over http or https on any port. */
  sandboxHost?: string;
}

/** A file that could not be fetched; the message is written for the sender. */
export class FileDownloadError extends CsvFileError {}

const downloadTimeoutMs = 30_000;
export const notDownloaded = 'The file could not be downloaded.';
export const notTenantLink = 'The file link is not on this tenant’s SharePoint.';

/** True when the policy lets the bot fetch `url`. */
export function isAllowedDownload(url: URL, policy: DownloadPolicy): boolean {
  if (url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase();
  if (policy.sandboxHost !== undefined && host === policy.sandboxHost.toLowerCase()) {
    return url.protocol === 'http:' || url.protocol === 'https:';
  }
  return url.protocol === 'https:' && url.port === '' && policy.httpsHosts.includes(host);
}

/**
 * Downloads a file the sender attached, at most `maxBytes`, as UTF-8 text. Throws `FileDownloadError`
 * (refusals are audited as `action.refused`, every attempt as `file.downloaded`).
 */
export async function downloadAttachment(turn: Turn, link: string, maxBytes: number): Promise<string> {
  const { deps, actor } = turn;
  let url: URL | undefined;
  try {
    url = new URL(link);
  } catch {
    url = undefined;
  }
  if (url === undefined || !isAllowedDownload(url, deps.downloads)) {
    throw new FileDownloadError(await turn.refuse(notTenantLink));
  }
  const where = { host: url.host, path: url.pathname.slice(0, 300) };
  const audit = (outcome: string, bytes?: number): Promise<void> =>
    deps.store.audit.append({
      at: new Date(deps.clock.now()).toISOString(),
      type: 'file.downloaded',
      actor,
      details: { ...where, outcome, ...(bytes !== undefined && { bytes }) },
    });

  let body: Uint8Array;
  try {
    body = await fetchCapped(url, maxBytes);
  } catch (error) {
    const isTooLarge = error instanceof TooLargeError;
    deps.logger.warn(
      {
        ...where,
        err: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      },
      'file download failed',
    );
    await audit(isTooLarge ? 'too-large' : 'failed');
    throw new FileDownloadError(
      isTooLarge ? `The file is larger than ${maxBytes / (1024 * 1024)} MB.` : notDownloaded,
    );
  }
  await audit('downloaded', body.byteLength);
  return new TextDecoder('utf-8').decode(body);
}

class TooLargeError extends Error {}

/** The body, refused as soon as it passes `maxBytes` (declared or streamed). */
async function fetchCapped(url: URL, maxBytes: number): Promise<Uint8Array> {
  const response = await fetch(url, {
    redirect: 'error',
    signal: AbortSignal.timeout(downloadTimeoutMs),
  });
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw new TooLargeError(`declared ${declared} bytes`);
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new TooLargeError(`more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
