/**
 * `GET /admin/sharepoint/settings` (SharePointTenantSettings.Read.All): the tenant-level SharePoint and
 * OneDrive settings, of which the sandbox models the deleted users' OneDrive retention; the other documented
 * properties carry a new tenant's defaults.
 */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import { ok } from './errors.js';

/** Microsoft's default retention of a deleted user's OneDrive, in days. */
export const DEFAULT_ONEDRIVE_RETENTION_DAYS = 30;

function getSettings(rc: RouteContext): SandboxResponse {
  return ok({
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#admin/sharepoint/settings/$entity',
    '@odata.type': '#microsoft.graph.sharepointSettings',
    allowedDomainGuidsForSyncApp: [],
    availableManagedPathsForSiteCreation: ['/sites/', '/teams/'],
    deletedUserPersonalSiteRetentionPeriodInDays:
      rc.tenant.info.deletedUserPersonalSiteRetentionPeriodInDays ?? DEFAULT_ONEDRIVE_RETENTION_DAYS,
    excludedFileExtensionsForSyncApp: [],
    idleSessionSignOut: { isEnabled: false, warnAfterInSeconds: 0, signOutAfterInSeconds: 0 },
    imageTaggingOption: 'disabled',
    isCommentingOnSitePagesEnabled: true,
    isFileActivityNotificationEnabled: true,
    isLegacyAuthProtocolsEnabled: true,
    isLoopEnabled: true,
    isMacSyncAppEnabled: true,
    isRequireAcceptingUserToMatchInvitedUserEnabled: false,
    isResharingByExternalUsersEnabled: false,
    isSharePointMobileNotificationEnabled: true,
    isSharePointNewsfeedEnabled: false,
    isSiteCreationEnabled: true,
    isSiteCreationUIEnabled: true,
    isSitePagesCreationEnabled: true,
    isSitesStorageLimitAutomatic: true,
    isSyncButtonHiddenOnPersonalSite: false,
    isUnmanagedSyncAppForTenantRestricted: false,
    personalSiteDefaultStorageLimitInMB: 1048576,
    sharingAllowedDomainList: [],
    sharingBlockedDomainList: [],
    sharingCapability: 'externalUserAndGuestSharing',
    sharingDomainRestrictionMode: 'none',
    siteCreationDefaultManagedPath: '/sites/',
    siteCreationDefaultStorageLimitInMB: 26214400,
    tenantDefaultTimezone: '(UTC-08:00) Pacific Time (US and Canada)',
  });
}

export const sharePointSettingsRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: '/v1.0/admin/sharepoint/settings',
    permissions: ['SharePointTenantSettings.Read.All', 'SharePointTenantSettings.ReadWrite.All'],
    handler: getSettings,
  },
];
