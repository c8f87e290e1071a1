import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { InvalidInputError, NotFoundError, UnavailableError } from '../../core/errors.js';
import type { Files, OneDriveInfo, SharingLink } from '../../core/ports/files.js';
import { sharePointScope } from '../auth/resource-scopes.js';
import type { TokenProvider, TokenSource } from '../auth/token-provider.js';
import { fetchWithFreshTokenOn401 } from '../http/fresh-token-fetch.js';
import { logSafeUrl } from '../http/log-safe-url.js';
import { DEFAULT_RETRY_POLICY, fetchWithRetry, type RetryPolicy } from '../http/retrying-fetch.js';
import { ServiceUrlMapper } from '../http/service-url.js';
import { isSmtpAddress } from '../exchange/exchange-anchor.js';
import { GraphApi } from '../graph/graph-api.js';
import type { GraphConnection } from '../graph/graph-client-factory.js';
import { driveSchema } from '../graph/graph-schemas.js';
import { buildQueryString, userKeySegment } from '../graph/odata-query.js';
import { toLifecycleSharePointError } from './sharepoint-errors.js';
import {
  assertTenantSiteUrl,
  membershipLoginName,
  oneDriveSiteUrl,
  sharePointHostsOf,
  upnOfSiteUser,
  type SharePointHosts,
} from './sharepoint-urls.js';

export interface SharePointFilesOptions {
  /** Graph connection, for `/users/{id}/drive`. */
  graph: GraphConnection;
  /** App identity; SharePoint app-only needs a certificate (or managed identity), never a secret. */
  tokenSource: TokenSource;
  /** The real admin URL, `https://contoso-admin.sharepoint.com`. */
  adminUrl: string;
  /** Sandbox mode: requests go to `${sandboxBaseUrl}/<host>/<path>`, and a secret credential is tolerated. */
  sandboxBaseUrl?: string;
  logger: Logger;
  retry?: RetryPolicy;
}

const siteUsersSchema = z.object({
  value: z.array(
    z.object({
      LoginName: z.string(),
      UserPrincipalName: z.string().nullish(),
      Email: z.string().nullish(),
      IsSiteAdmin: z.boolean(),
    }),
  ),
});

const JSON_NOMETADATA = 'application/json;odata=nometadata';

const driveItemSchema = z.object({ id: z.string(), name: z.string().nullish() });
const permissionSchema = z.object({
  id: z.string(),
  link: z.object({ scope: z.string().nullish(), type: z.string().nullish() }).nullish(),
});

const retentionDays = z.number().int().nullish();
const sharePointSettingsSchema = z.object({
  deletedUserPersonalSiteRetentionPeriodInDays: retentionDays,
  value: z.object({ deletedUserPersonalSiteRetentionPeriodInDays: retentionDays }).optional(),
});

/**
 * The Files port: the user's OneDrive from Graph, and its site collection admins through the
 * SharePoint admin REST route `SPO.Tenant/SetSiteAdmin` (what `Set-SPOUser -IsSiteCollectionAdmin`
 * uses), read back from the site's `siteusers`. Tokens are per SharePoint host.
 */
export class SharePointFiles implements Files {
  private readonly graph: GraphApi;
  private readonly hosts: SharePointHosts;
  private readonly urls: ServiceUrlMapper;
  private readonly logger: Logger;
  private readonly tokens = new Map<string, TokenProvider>();

  constructor(private readonly options: SharePointFilesOptions) {
    if (options.tokenSource.credentialKind === 'secret' && options.sandboxBaseUrl === undefined) {
      throw new InvalidInputError(
        'SharePoint app-only access requires a certificate credential: SharePoint Online rejects tokens obtained with a client secret ("Unsupported app only token"). Configure a certificate for the app registration.',
      );
    }
    this.graph = new GraphApi(options.graph);
    this.hosts = sharePointHostsOf(options.adminUrl);
    this.urls = new ServiceUrlMapper(options.sandboxBaseUrl);
    this.logger = options.logger.child({ component: 'sharepoint' });
  }

  /** Files.Read.All. Null when the OneDrive was never provisioned (app-only calls don't provision it). */
  async getOneDrive(userId: string): Promise<OneDriveInfo | null> {
    const drive = await this.graph.getOrNull(
      `/users${userKeySegment(userId)}/drive${buildQueryString({ $select: 'id,webUrl,driveType' })}`,
      driveSchema,
      {
        what: `Get OneDrive of ${userId}`,
      },
    );
    if (drive === null) return null;
    // A sandbox may answer with its own mapped URL; the port always carries the real one.
    const webUrl = this.urls.toRealUrl(drive.webUrl) ?? drive.webUrl;
    return { driveId: drive.id, webUrl, siteUrl: oneDriveSiteUrl(webUrl) };
  }

  /** SharePointTenantSettings.Read.All: `GET /admin/sharepoint/settings`. */
  async getDeletedOneDriveRetentionDays(): Promise<number> {
    const settings = await this.graph.get(
      `/admin/sharepoint/settings${buildQueryString({ $select: 'deletedUserPersonalSiteRetentionPeriodInDays' })}`,
      sharePointSettingsSchema,
      { what: 'Get the SharePoint tenant settings' },
    );
    // Graph's documented example wraps the entity in `value`; the service answers with the entity.
    const days = (settings.value ?? settings).deletedUserPersonalSiteRetentionPeriodInDays;
    if (days === undefined || days === null)
      throw new UnavailableError('The SharePoint tenant settings have no OneDrive retention period');
    return days;
  }

  /** Files.Read.All: the root's and each top-level item's permissions, keeping anonymous and organisation links. */
  async listSharingLinks(driveId: string): Promise<SharingLink[]> {
    const drive = `/drives/${encodeURIComponent(driveId)}`;
    const children = await this.graph.list(
      `${drive}/root/children${buildQueryString({ $select: 'id,name' })}`,
      driveItemSchema,
      { what: `List the items of drive ${driveId}` },
    );
    const items = [{ id: 'root', name: 'the OneDrive root' }, ...children];
    const links: SharingLink[] = [];
    for (const item of items) {
      const path = item.id === 'root' ? `${drive}/root` : `${drive}/items/${encodeURIComponent(item.id)}`;
      const permissions = await this.graph.list(`${path}/permissions`, permissionSchema, {
        what: `List the permissions of ${item.name ?? item.id}`,
      });
      for (const p of permissions) {
        const scope = p.link?.scope;
        if (scope !== 'anonymous' && scope !== 'organization') continue;
        links.push({
          itemId: item.id,
          itemName: item.name ?? item.id,
          permissionId: p.id,
          scope,
          type: p.link?.type ?? 'view',
        });
      }
    }
    return links;
  }

  /** Files.ReadWrite.All: `DELETE /drives/{id}/items/{id}/permissions/{id}`; a 404 means already gone. */
  async removeSharingLink(driveId: string, itemId: string, permissionId: string): Promise<void> {
    const drive = `/drives/${encodeURIComponent(driveId)}`;
    const item = itemId === 'root' ? `${drive}/root` : `${drive}/items/${encodeURIComponent(itemId)}`;
    try {
      await this.graph.delete(`${item}/permissions/${encodeURIComponent(permissionId)}`, {
        what: `Remove sharing link ${permissionId}`,
      });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  }

  async listSiteAdmins(siteUrl: string): Promise<string[]> {
    const site = assertTenantSiteUrl(siteUrl, this.hosts);
    const url = `${site}/_api/web/siteusers${buildQueryString({ $filter: 'IsSiteAdmin eq true' })}`;
    const body = await this.call('GET', url, undefined, 'List site collection admins');
    const parsed = siteUsersSchema.safeParse(body);
    if (!parsed.success)
      throw new UnavailableError('List site collection admins: unexpected response shape', {
        cause: parsed.error,
      });
    return parsed.data.value
      .filter((user) => user.IsSiteAdmin)
      .flatMap((user) => {
        const upn = upnOfSiteUser(user);
        return upn === null ? [] : [upn];
      });
  }

  /** Sites.FullControl.All (SharePoint). Idempotent: adding an existing admin changes nothing. */
  async addSiteAdmin(siteUrl: string, userPrincipalName: string): Promise<void> {
    await this.setSiteAdmin(siteUrl, userPrincipalName, true);
  }

  async removeSiteAdmin(siteUrl: string, userPrincipalName: string): Promise<void> {
    await this.setSiteAdmin(siteUrl, userPrincipalName, false);
  }

  private async setSiteAdmin(
    siteUrl: string,
    userPrincipalName: string,
    isSiteAdmin: boolean,
  ): Promise<void> {
    const site = assertTenantSiteUrl(siteUrl, this.hosts);
    if (!isSmtpAddress(userPrincipalName))
      throw new InvalidInputError(
        `Not a user principal name: ${JSON.stringify(userPrincipalName.slice(0, 80))}`,
      );
    await this.call(
      'POST',
      `https://${this.hosts.admin}/_api/SPO.Tenant/SetSiteAdmin`,
      { siteUrl: site, loginName: membershipLoginName(userPrincipalName), isSiteAdmin },
      `${isSiteAdmin ? 'Add' : 'Remove'} site collection admin`,
    );
  }

  private tokenFor(realUrl: string): TokenProvider {
    const scope = sharePointScope(realUrl);
    let provider = this.tokens.get(scope);
    if (provider === undefined) {
      provider = this.options.tokenSource.tokenProvider(scope);
      this.tokens.set(scope, provider);
    }
    return provider;
  }

  private async call(method: 'GET' | 'POST', realUrl: string, body: unknown, what: string): Promise<unknown> {
    const provider = this.tokenFor(realUrl);
    const requestUrl = this.urls.toRequestUrl(realUrl);
    const clientRequestId = randomUUID();
    const started = performance.now();
    const response = await fetchWithFreshTokenOn401(provider, (token) =>
      fetchWithRetry(
        () =>
          fetch(requestUrl, {
            method,
            headers: {
              Authorization: `Bearer ${token}`,
              Accept: JSON_NOMETADATA,
              'client-request-id': clientRequestId,
              ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(60_000),
          }),
        this.options.retry ?? DEFAULT_RETRY_POLICY,
        (notice) => {
          this.logger.warn({ what, clientRequestId, ...notice }, 'sharepoint retry');
        },
      ),
    );
    const text = await response.text();
    const entry = {
      method,
      url: logSafeUrl(realUrl),
      status: response.status,
      requestId: response.headers.get('request-id') ?? response.headers.get('sprequestguid') ?? undefined,
      clientRequestId,
      durationMs: Math.round(performance.now() - started),
    };
    if (!response.ok) {
      this.logger.warn(entry, 'sharepoint request failed');
      throw toLifecycleSharePointError(response.status, text, response.headers, what);
    }
    this.logger.info(entry, 'sharepoint request');
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new UnavailableError(`${what}: the response is not JSON`, { cause: error });
    }
  }
}
