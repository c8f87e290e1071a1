import { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { SignInMethod, SignInMethodKind, SignInMethods } from '../../core/ports/sign-in-methods.js';
import type { GraphApi } from './graph-api.js';
import { graphMessageMatches } from './graph-errors.js';
import { assertObjectId } from './odata-query.js';

/** `@odata.type` of each method, and the collection its delete goes to (authenticationmethods-overview). */
const methodTypes: Record<string, { kind: SignInMethodKind; collection?: string }> = {
  '#microsoft.graph.phoneAuthenticationMethod': { kind: 'phone', collection: 'phoneMethods' },
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': {
    kind: 'microsoftAuthenticator',
    collection: 'microsoftAuthenticatorMethods',
  },
  '#microsoft.graph.fido2AuthenticationMethod': { kind: 'fido2', collection: 'fido2Methods' },
  '#microsoft.graph.softwareOathAuthenticationMethod': {
    kind: 'softwareOath',
    collection: 'softwareOathMethods',
  },
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': {
    kind: 'temporaryAccessPass',
    collection: 'temporaryAccessPassMethods',
  },
  '#microsoft.graph.emailAuthenticationMethod': { kind: 'email', collection: 'emailMethods' },
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': {
    kind: 'windowsHelloForBusiness',
    collection: 'windowsHelloForBusinessMethods',
  },
  '#microsoft.graph.passwordAuthenticationMethod': { kind: 'password' },
};

const collectionOf = new Map(
  Object.values(methodTypes).flatMap((t) => (t.collection ? [[t.kind, t.collection] as const] : [])),
);

const methodSchema = z
  .object({
    '@odata.type': z.string(),
    id: z.string(),
    displayName: z.string().nullish(),
    phoneNumber: z.string().nullish(),
    phoneType: z.string().nullish(),
    emailAddress: z.string().nullish(),
    model: z.string().nullish(),
  })
  .loose();

/** Method ids are GUIDs or base64url strings: anything else is refused before it reaches a path. */
function assertMethodId(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) throw new InvalidInputError('Invalid authentication method id');
  return id;
}

function labelOf(m: z.infer<typeof methodSchema>): string {
  if (m.phoneNumber) return `${m.phoneType ?? 'phone'} ${m.phoneNumber}`;
  return m.displayName ?? m.model ?? m.emailAddress ?? '';
}

/**
 * Authentication methods of a user on Graph v1.0 (`/users/{id}/authentication/...`). Application
 * permission UserAuthenticationMethod.ReadWrite.All; the password method is listed, never deleted.
 */
export class GraphSignInMethods implements SignInMethods {
  constructor(private readonly api: GraphApi) {}

  async listSignInMethods(userId: string): Promise<SignInMethod[]> {
    const user = assertObjectId(userId, 'user id');
    const methods = await this.api.list(`/users/${user}/authentication/methods`, methodSchema, {
      what: `List the sign-in methods of ${user}`,
    });
    return methods.map((m) => ({
      id: m.id,
      kind: methodTypes[m['@odata.type']]?.kind ?? 'other',
      label: labelOf(m),
    }));
  }

  async removeSignInMethod(userId: string, method: Pick<SignInMethod, 'id' | 'kind'>): Promise<void> {
    const user = assertObjectId(userId, 'user id');
    const collection = collectionOf.get(method.kind);
    if (!collection) throw new InvalidInputError(`A ${method.kind} sign-in method can't be removed`);
    const id = assertMethodId(method.id);
    try {
      await this.api.delete(`/users/${user}/authentication/${collection}/${id}`, {
        what: `Remove the ${method.kind} sign-in method of ${user}`,
      });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      if (graphMessageMatches(error, /default method/i)) {
        throw new ConflictError(
          `The ${method.kind} method is the user's default sign-in method: other methods must go first`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}
