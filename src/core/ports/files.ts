/** OneDrive / SharePoint: the leaver's OneDrive and its site collection admins. */

export interface OneDriveInfo {
  driveId: string;
  /** The OneDrive root URL, e.g. https://contoso-my.sharepoint.com/personal/ada_contoso_com */
  webUrl: string;
  /** Site collection URL used by the SharePoint admin API. */
  siteUrl: string;
}

/** A sharing link on an item of a OneDrive (Graph permission with a `link` facet). */
export interface SharingLink {
  /** Drive item id, or `root`. */
  itemId: string;
  itemName: string;
  permissionId: string;
  /** `anonymous`: anyone with the link; `organization`: anyone in the tenant. */
  scope: 'anonymous' | 'organization';
  /** `view`, `edit`, … as Graph names the link type. */
  type: string;
}

export interface Files {
  /** Null when the user has no provisioned OneDrive. */
  getOneDrive(userId: string): Promise<OneDriveInfo | null>;
  listSiteAdmins(siteUrl: string): Promise<string[]>;
  addSiteAdmin(siteUrl: string, userPrincipalName: string): Promise<void>;
  removeSiteAdmin(siteUrl: string, userPrincipalName: string): Promise<void>;
  /**
   * Days the tenant keeps a deleted user's OneDrive before deleting it (SharePoint's
   * OrphanedPersonalSitesRetentionPeriod; Graph `deletedUserPersonalSiteRetentionPeriodInDays`).
   */
  getDeletedOneDriveRetentionDays(): Promise<number>;
  /** Anonymous and organisation sharing links on the drive's root and its top-level items. */
  listSharingLinks(driveId: string): Promise<SharingLink[]>;
  /** Deletes a sharing link; one already gone is not an error. A deleted link can't be recreated. */
  removeSharingLink(driveId: string, itemId: string, permissionId: string): Promise<void>;
}
