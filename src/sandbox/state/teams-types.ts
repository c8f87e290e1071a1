/** Teams app catalog, per-user app installations and mail sent through Graph. */
import type { Visibility } from './visibility.js';

export interface CatalogAppRecord {
  /** Catalog id (differs from the manifest id for org-catalog apps). */
  id: string;
  /** Manifest id. */
  externalId: string;
  displayName: string;
  distributionMethod: 'organization' | 'store' | 'sideloaded';
  version: string;
}

export interface InstalledAppRecord extends Visibility {
  id: string;
  userId: string;
  teamsAppId: string;
  /** Chat id of the personal chat between the user and the bot. */
  chatId: string;
}

export interface SentMailRecord {
  id: string;
  senderUserId: string;
  /** The Graph `message` object as posted. */
  message: unknown;
  saveToSentItems: boolean;
  sentDateTime: string;
  /** App that sent it. */
  appId: string;
}
