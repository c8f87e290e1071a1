import { InvalidInputError } from '../../core/errors.js';
import type { IdentityUser } from '../../core/ports/identity.js';
import type { UserSearchResult, Users } from '../../core/ports/users.js';
import type { GraphApi } from './graph-api.js';
import { graphUserSchema, toIdentityUser, USER_SELECT } from './graph-schemas.js';
import {
  assertQueryValue,
  buildQueryString,
  eqFilter,
  searchClause,
  startsWithFilter,
  userKeySegment,
} from './odata-query.js';
import { decideDisplayNameResult, queryShape, suggestionPrefix } from './user-resolution.js';

const EVENTUAL = { ConsistencyLevel: 'eventual' };
const MAX_CHOICES = 25;
const MAX_SUGGESTIONS = 5;
const DEFAULT_CHAIN_DEPTH = 10;

/** Read-only user lookups: by key, free text, employee id, manager chain and direct reports. */
export class GraphUserDirectory implements Users {
  constructor(private readonly api: GraphApi) {}

  async getUser(idOrUpn: string): Promise<IdentityUser | null> {
    const key = idOrUpn.trim();
    const user = await this.api.getOrNull(
      `/users${userKeySegment(key)}${buildQueryString({ $select: USER_SELECT })}`,
      graphUserSchema,
      {
        what: 'Get user',
      },
    );
    if (user !== null) return toIdentityUser(user);
    if (queryShape(key) !== 'address') return null;
    // Not a UPN: try the primary SMTP address.
    const byMail = await this.api.list(
      `/users${buildQueryString({ $filter: eqFilter('mail', key), $select: USER_SELECT, $top: 2 })}`,
      graphUserSchema,
      { what: 'Find user by mail', maxItems: 2 },
    );
    const [first] = byMail;
    return first === undefined ? null : toIdentityUser(first);
  }

  async resolveUser(query: string): Promise<UserSearchResult> {
    const text = query.trim();
    if (text === '') throw new InvalidInputError('Say who: a UPN, mail address, object id or display name');
    assertQueryValue(text, 'user query', 256);
    const shape = queryShape(text);
    if (shape !== 'display-name') {
      const user = await this.getUser(text);
      if (user !== null) return { kind: 'found', user };
      return { kind: 'not-found', suggestions: shape === 'address' ? await this.suggest(text) : [] };
    }
    const matches = await this.api.list(
      `/users${buildQueryString({ $search: searchClause('displayName', text), $select: USER_SELECT, $count: true, $top: MAX_CHOICES })}`,
      graphUserSchema,
      { what: 'Search users by display name', headers: EVENTUAL, maxItems: MAX_CHOICES },
    );
    const decided = decideDisplayNameResult(text, matches.map(toIdentityUser));
    if (decided !== null) return decided;
    return { kind: 'not-found', suggestions: await this.suggest(text) };
  }

  async findByEmployeeId(employeeId: string): Promise<IdentityUser[]> {
    const value = employeeId.trim();
    if (value === '') throw new InvalidInputError('The employee id is empty');
    const users = await this.api.list(
      `/users${buildQueryString({ $filter: eqFilter('employeeId', value), $select: USER_SELECT, $count: true })}`,
      graphUserSchema,
      { what: 'Find users by employee id', headers: EVENTUAL },
    );
    return users.map(toIdentityUser);
  }

  /** Null when the user has no manager (Graph answers 404 for the manager reference). */
  async getManager(userId: string): Promise<IdentityUser | null> {
    const manager = await this.api.getOrNull(
      `/users${userKeySegment(userId)}/manager${buildQueryString({ $select: USER_SELECT })}`,
      graphUserSchema,
      { what: 'Get manager' },
    );
    return manager === null ? null : toIdentityUser(manager);
  }

  /** Walks manager links one call per level; stops at the top, at `maxDepth`, or on a cycle. */
  async getManagerChain(userId: string, maxDepth = DEFAULT_CHAIN_DEPTH): Promise<IdentityUser[]> {
    const chain: IdentityUser[] = [];
    const seen = new Set<string>([userId.toLowerCase()]);
    let current = userId;
    while (chain.length < maxDepth) {
      const manager = await this.getManager(current);
      if (manager === null || seen.has(manager.id.toLowerCase())) break;
      seen.add(manager.id.toLowerCase());
      chain.push(manager);
      current = manager.id;
    }
    return chain;
  }

  async getDirectReports(userId: string): Promise<IdentityUser[]> {
    const reports = await this.api.list(
      `/users${userKeySegment(userId)}/directReports${buildQueryString({ $select: USER_SELECT })}`,
      graphUserSchema,
      { what: 'List direct reports' },
    );
    return reports
      .filter(
        (entry) => entry['@odata.type'] === undefined || entry['@odata.type'] === '#microsoft.graph.user',
      )
      .map(toIdentityUser);
  }

  /** "Did you mean": users whose display name or UPN starts with the query's first word. */
  private async suggest(query: string): Promise<IdentityUser[]> {
    const prefix = suggestionPrefix(query);
    if (prefix === null) return [];
    const filter = `${startsWithFilter('displayName', prefix)} or ${startsWithFilter('userPrincipalName', prefix)}`;
    const users = await this.api.list(
      `/users${buildQueryString({ $filter: filter, $select: USER_SELECT, $top: MAX_SUGGESTIONS })}`,
      graphUserSchema,
      { what: 'Suggest users', maxItems: MAX_SUGGESTIONS },
    );
    return users.map(toIdentityUser);
  }
}
