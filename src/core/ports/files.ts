/** OneDrive / SharePoint: the leaver's OneDrive and its site collection admins. */

export interface OneDriveInfo {
  driveId: string;
  /** The OneDrive root URL, e.g. https://contoso-my.sharepoint.com/personal/ada_contoso_com */
  webUrl: string;
  /** Site collection URL used by the SharePoint admin API. */
  siteUrl: string;
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
}
