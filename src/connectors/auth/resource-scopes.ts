import { parseHttpsUrl } from '../http/service-url.js';

/** App-only (`/.default`) scopes of the resources the connectors call. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const EXCHANGE_SCOPE = 'https://outlook.office365.com/.default';

/**
 * SharePoint scopes are tenant-specific: the resource is the SharePoint host itself
 * (`https://contoso-admin.sharepoint.com/.default`). `resourceUrl` is the real (https) URL.
 */
export function sharePointScope(resourceUrl: string): string {
  const url = parseHttpsUrl(resourceUrl);
  return `https://${url.host}/.default`;
}

/** Managed identities ask for a resource, not a scope: the scope without `/.default`. */
export function resourceOfScope(scope: string): string {
  return scope.endsWith('/.default') ? scope.slice(0, -'/.default'.length) : scope;
}
