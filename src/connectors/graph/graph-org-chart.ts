import type { OrgChart } from '../../core/ports/org-chart.js';
import type { GraphApi } from './graph-api.js';
import { GRAPH_PUBLIC_BASE_URL, GRAPH_VERSION } from './graph-client-factory.js';
import { assertObjectId } from './odata-query.js';

/** Reporting lines on Graph v1.0: `PUT /users/{id}/manager/$ref` (User.ReadWrite.All). */
export class GraphOrgChart implements OrgChart {
  constructor(private readonly api: GraphApi) {}

  /** Idempotent: setting the manager a user already has is accepted by Graph (PUT replaces it). */
  async setManager(userId: string, managerId: string): Promise<void> {
    const user = assertObjectId(userId, 'user id');
    const manager = assertObjectId(managerId, 'manager id');
    await this.api.putNoContent(
      `/users/${user}/manager/$ref`,
      { '@odata.id': `${GRAPH_PUBLIC_BASE_URL}/${GRAPH_VERSION}/users/${manager}` },
      { what: `Set the manager of ${user} to ${manager}` },
    );
  }
}
