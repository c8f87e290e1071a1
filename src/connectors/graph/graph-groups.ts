import type { Logger } from 'pino';
import { NotFoundError } from '../../core/errors.js';
import type { GroupMembership, Groups, TransitiveMemberships } from '../../core/ports/groups.js';
import type { GraphApi } from './graph-api.js';
import { GRAPH_PUBLIC_BASE_URL, GRAPH_VERSION } from './graph-client-factory.js';
import { graphMessageMatches } from './graph-errors.js';
import { directoryObjectSchema } from './graph-schemas.js';
import { classifyMembership } from './group-classification.js';
import { assertObjectId, buildQueryString, userKeySegment } from './odata-query.js';

const MEMBERSHIP_SELECT =
  'id,displayName,groupTypes,mailEnabled,securityEnabled,onPremisesSyncEnabled,isAssignableToRole,resourceProvisioningOptions,mail,membershipRule';

/** Direct group and role memberships, classified; cloud membership changes through `/$ref`. */
export class GraphGroups implements Groups {
  constructor(
    private readonly api: GraphApi,
    private readonly logger: Logger,
  ) {}

  async listMemberships(userId: string): Promise<GroupMembership[]> {
    const entries = await this.api.list(
      `/users${userKeySegment(userId)}/memberOf${buildQueryString({ $select: MEMBERSHIP_SELECT })}`,
      directoryObjectSchema,
      {
        what: `List memberships of ${userId}`,
      },
    );
    const memberships: GroupMembership[] = [];
    for (const entry of entries) {
      const membership = classifyMembership(entry);
      if (membership === null) {
        this.logger.info(
          { userId, objectId: entry.id, type: entry['@odata.type'] },
          'memberOf entry is not a group or role; not a membership to change',
        );
      } else memberships.push(membership);
    }
    return memberships;
  }

  /**
   * `transitiveMemberOf` (groups through nesting, and directory roles, also those held through a
   * role-assignable group), all pages at the largest page size. Administrative units are ignored.
   */
  async listTransitiveMemberships(userId: string): Promise<TransitiveMemberships> {
    const entries = await this.api.list(
      `/users${userKeySegment(userId)}/transitiveMemberOf${buildQueryString({ $top: '999' })}`,
      directoryObjectSchema,
      { what: `List transitive memberships of ${userId}` },
    );
    const memberships: TransitiveMemberships = { groupIds: [], roleTemplateIds: [] };
    for (const entry of entries) {
      const type = entry['@odata.type'];
      if (type === '#microsoft.graph.group') memberships.groupIds.push(entry.id);
      else if (type === '#microsoft.graph.directoryRole' && entry.roleTemplateId)
        memberships.roleTemplateIds.push(entry.roleTemplateId);
    }
    return memberships;
  }

  /** Idempotent: "already exist" is success. */
  async addGroupMember(groupId: string, userId: string): Promise<void> {
    const group = assertObjectId(groupId, 'group id');
    const member = assertObjectId(userId, 'user id');
    try {
      await this.api.postNoContent(
        `/groups/${group}/members/$ref`,
        // The reference is always the canonical Graph URL, whichever host serves the request.
        { '@odata.id': `${GRAPH_PUBLIC_BASE_URL}/${GRAPH_VERSION}/directoryObjects/${member}` },
        { what: `Add ${member} to group ${group}` },
      );
    } catch (error) {
      if (graphMessageMatches(error, /already exist/i)) return;
      throw error;
    }
  }

  /**
   * Idempotent: "removed object references do not exist" (400) and a missing membership (404) are
   * success. Always through `/$ref`: without it Graph would delete the user object itself.
   */
  async removeGroupMember(groupId: string, userId: string): Promise<void> {
    const group = assertObjectId(groupId, 'group id');
    const member = assertObjectId(userId, 'user id');
    try {
      await this.api.delete(`/groups/${group}/members/${member}/$ref`, {
        what: `Remove ${member} from group ${group}`,
      });
    } catch (error) {
      if (graphMessageMatches(error, /removed object references do not exist/i)) return;
      if (error instanceof NotFoundError && !graphMessageMatches(error, new RegExp(`'${group}'`, 'i')))
        return;
      throw error;
    }
  }
}
