import type { Logger } from 'pino';
import type {
  AutomaticReplies,
  GroupMembership,
  Identity,
  IdentityUser,
  LicenceAssignment,
  MailMessage,
  SubscribedSku,
  UserSearchResult,
} from '../../core/ports/identity.js';
import { GraphAccountControl } from './graph-account-control.js';
import { GraphApi } from './graph-api.js';
import type { GraphConnection } from './graph-client-factory.js';
import { GraphGroups } from './graph-groups.js';
import { GraphLicences } from './graph-licences.js';
import { GraphMessaging } from './graph-messaging.js';
import { GraphUserDirectory } from './graph-user-directory.js';

export interface GraphIdentityOptions {
  connection: GraphConnection;
  logger: Logger;
}

/**
 * The Identity port on Microsoft Graph v1.0 (app-only). Each concern lives in its own module; this
 * class only routes the port's calls. Every failure is a core error with the Graph error as cause.
 */
export class GraphIdentity implements Identity {
  private readonly users: GraphUserDirectory;
  private readonly accounts: GraphAccountControl;
  private readonly licences: GraphLicences;
  private readonly groups: GraphGroups;
  private readonly messaging: GraphMessaging;

  constructor(options: GraphIdentityOptions) {
    const api = new GraphApi(options.connection);
    this.users = new GraphUserDirectory(api);
    this.accounts = new GraphAccountControl(api);
    this.licences = new GraphLicences(api);
    this.groups = new GraphGroups(api, options.logger.child({ component: 'graph-identity' }));
    this.messaging = new GraphMessaging(api);
  }

  getUser(idOrUpn: string): Promise<IdentityUser | null> {
    return this.users.getUser(idOrUpn);
  }
  resolveUser(query: string): Promise<UserSearchResult> {
    return this.users.resolveUser(query);
  }
  findByEmployeeId(employeeId: string): Promise<IdentityUser[]> {
    return this.users.findByEmployeeId(employeeId);
  }
  getManager(userId: string): Promise<IdentityUser | null> {
    return this.users.getManager(userId);
  }
  getManagerChain(userId: string, maxDepth?: number): Promise<IdentityUser[]> {
    return this.users.getManagerChain(userId, maxDepth);
  }
  getDirectReports(userId: string): Promise<IdentityUser[]> {
    return this.users.getDirectReports(userId);
  }
  setAccountEnabled(userId: string, isEnabled: boolean): Promise<void> {
    return this.accounts.setAccountEnabled(userId, isEnabled);
  }
  revokeSignInSessions(userId: string): Promise<void> {
    return this.accounts.revokeSignInSessions(userId);
  }
  resetPassword(userId: string): Promise<void> {
    return this.accounts.resetPassword(userId);
  }
  setUsageLocation(userId: string, countryCode: string): Promise<void> {
    return this.accounts.setUsageLocation(userId, countryCode);
  }
  getLicences(userId: string): Promise<LicenceAssignment[]> {
    return this.licences.getLicences(userId);
  }
  listSubscribedSkus(): Promise<SubscribedSku[]> {
    return this.licences.listSubscribedSkus();
  }
  assignLicences(
    userId: string,
    add: { skuId: string; disabledPlans?: string[] }[],
    removeSkuIds: string[],
  ): Promise<void> {
    return this.licences.assignLicences(userId, add, removeSkuIds);
  }
  listMemberships(userId: string): Promise<GroupMembership[]> {
    return this.groups.listMemberships(userId);
  }
  removeGroupMember(groupId: string, userId: string): Promise<void> {
    return this.groups.removeGroupMember(groupId, userId);
  }
  addGroupMember(groupId: string, userId: string): Promise<void> {
    return this.groups.addGroupMember(groupId, userId);
  }
  getAutomaticReplies(userId: string): Promise<AutomaticReplies> {
    return this.messaging.getAutomaticReplies(userId);
  }
  setAutomaticReplies(userId: string, replies: AutomaticReplies): Promise<void> {
    return this.messaging.setAutomaticReplies(userId, replies);
  }
  sendMail(fromUserId: string, message: MailMessage): Promise<void> {
    return this.messaging.sendMail(fromUserId, message);
  }
  installTeamsApp(userId: string, manifestAppId: string): Promise<boolean> {
    return this.messaging.installTeamsApp(userId, manifestAppId);
  }
  deleteUser(userId: string): Promise<void> {
    return this.accounts.deleteUser(userId);
  }
  restoreUser(userId: string): Promise<void> {
    return this.accounts.restoreUser(userId);
  }
}
