import { z } from 'zod';
import { NotFoundError } from '../../core/errors.js';
import type { OwnedObject, OwnedObjectKind, Ownership } from '../../core/ports/ownership.js';
import type { GraphApi } from './graph-api.js';
import { GRAPH_PUBLIC_BASE_URL, GRAPH_VERSION } from './graph-client-factory.js';
import { graphMessageMatches } from './graph-errors.js';
import { assertObjectId } from './odata-query.js';

const ownedSchema = z
  .object({
    '@odata.type': z.string().optional(),
    id: z.string(),
    displayName: z.string().nullish(),
    resourceProvisioningOptions: z.array(z.string()).nullish(),
    onPremisesSyncEnabled: z.boolean().nullish(),
  })
  .loose();

const ownerSchema = z.object({ '@odata.type': z.string().optional(), id: z.string() }).loose();

const kinds: Record<string, OwnedObjectKind> = {
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.application': 'application',
  '#microsoft.graph.servicePrincipal': 'servicePrincipal',
};

const collections: Record<OwnedObjectKind, string> = {
  group: 'groups',
  application: 'applications',
  servicePrincipal: 'servicePrincipals',
};

/**
 * Owned objects and their owners on Graph v1.0. Group owners need Group.ReadWrite.All, app and service
 * principal owners Application.ReadWrite.All (Application.ReadWrite.OwnedBy can't add another owner).
 */
export class GraphOwnership implements Ownership {
  constructor(private readonly api: GraphApi) {}

  async listOwnedObjects(userId: string): Promise<OwnedObject[]> {
    const user = assertObjectId(userId, 'user id');
    const entries = await this.api.list(`/users/${user}/ownedObjects`, ownedSchema, {
      what: `List the objects ${user} owns`,
    });
    const owned: OwnedObject[] = [];
    for (const e of entries) {
      const kind = kinds[e['@odata.type'] ?? ''];
      if (!kind) continue;
      owned.push({
        kind,
        id: e.id,
        displayName: e.displayName ?? e.id,
        isTeam: (e.resourceProvisioningOptions ?? []).includes('Team'),
        isSynced: e.onPremisesSyncEnabled === true,
      });
    }
    return owned;
  }

  async listOwnerIds(kind: OwnedObjectKind, objectId: string): Promise<string[]> {
    const id = assertObjectId(objectId, `${kind} id`);
    const owners = await this.api.list(`/${collections[kind]}/${id}/owners`, ownerSchema, {
      what: `List the owners of ${kind} ${id}`,
    });
    return owners.map((o) => o.id);
  }

  /** Idempotent: "already exist" (400) is success. */
  async addOwner(kind: OwnedObjectKind, objectId: string, userId: string): Promise<void> {
    const id = assertObjectId(objectId, `${kind} id`);
    const user = assertObjectId(userId, 'user id');
    try {
      await this.api.postNoContent(
        `/${collections[kind]}/${id}/owners/$ref`,
        { '@odata.id': `${GRAPH_PUBLIC_BASE_URL}/${GRAPH_VERSION}/directoryObjects/${user}` },
        { what: `Add ${user} as owner of ${kind} ${id}` },
      );
    } catch (error) {
      if (graphMessageMatches(error, /already exist/i)) return;
      throw error;
    }
  }

  /** Idempotent: an owner reference that is already gone (400 or 404 on the reference) is success. */
  async removeOwner(kind: OwnedObjectKind, objectId: string, userId: string): Promise<void> {
    const id = assertObjectId(objectId, `${kind} id`);
    const user = assertObjectId(userId, 'user id');
    try {
      await this.api.delete(`/${collections[kind]}/${id}/owners/${user}/$ref`, {
        what: `Remove ${user} as owner of ${kind} ${id}`,
      });
    } catch (error) {
      if (graphMessageMatches(error, /removed object references do not exist/i)) return;
      if (error instanceof NotFoundError && !graphMessageMatches(error, new RegExp(`'${id}'`, 'i'))) return;
      throw error;
    }
  }
}
