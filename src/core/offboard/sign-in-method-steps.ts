/** The leaver's registered sign-in methods (MFA phone, Authenticator, FIDO2 keys, OATH, Temporary Access Pass). */
import { ConflictError } from '../errors.js';
import {
  removableSignInMethodKinds,
  type SignInMethod,
  type SignInMethodKind,
} from '../ports/sign-in-methods.js';
import { fail, ok, type Change, type Step } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

const kindNames: Record<SignInMethodKind, string> = {
  phone: 'phone',
  microsoftAuthenticator: 'Microsoft Authenticator',
  fido2: 'FIDO2 security key',
  softwareOath: 'software OATH token',
  temporaryAccessPass: 'Temporary Access Pass',
  email: 'email',
  windowsHelloForBusiness: 'Windows Hello for Business',
  password: 'password',
  other: 'method',
};

const isRemovable = (m: SignInMethod): boolean => removableSignInMethodKinds.includes(m.kind);

/**
 * Entra refuses to delete the user's default method while others remain ("Cannot delete default method
 * with other methods configured"), and Graph v1.0 doesn't say which one is the default. The methods
 * that are usually the default (Authenticator, then phone) are planned last, and when a delete is still
 * refused as the default, the other methods go first and the default follows.
 */
const removalRank = (kind: SignInMethodKind): number => removableSignInMethodKinds.indexOf(kind);

function methodOf(change: Change): Pick<SignInMethod, 'id' | 'kind'> {
  return { id: String(change.data['methodId']), kind: change.data['kind'] as SignInMethodKind };
}

/**
 * Runs after the sessions are revoked: a session still open could register a new method, and the
 * methods are what a stolen password would be paired with. Not reversible (keys and apps must be
 * registered again by their owner), so there is no undo.
 */
export const entraRemoveSignInMethods: Step<OffboardInput> = {
  id: 'entra.remove-sign-in-methods',
  system: 'entra',
  title: 'Remove sign-in methods',
  dependsOn: ['entra.revoke-sessions'],
  async plan(ctx) {
    if (!ctx.input.options.removeSignInMethods) return [];
    const methods = await ctx.ports.signInMethods.listSignInMethods(ctx.input.leaver.id);
    return methods
      .filter(isRemovable)
      .sort((a, b) => removalRank(a.kind) - removalRank(b.kind))
      .map((m) => ({
        key: `method:${m.kind}:${m.id}`,
        description: `Remove the ${kindNames[m.kind]} ${m.label}`.trim(),
        data: { methodId: m.id, kind: m.kind },
        before: { id: m.id, kind: m.kind, label: m.label },
      }));
  },
  async apply(change, ctx) {
    const userId = ctx.input.leaver.id;
    const method = methodOf(change);
    try {
      await ctx.ports.signInMethods.removeSignInMethod(userId, method);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // The default method: remove every other removable method first, then this one.
      const others = (await ctx.ports.signInMethods.listSignInMethods(userId)).filter(
        (m) => isRemovable(m) && !(m.id === method.id && m.kind === method.kind),
      );
      for (const other of others) await ctx.ports.signInMethods.removeSignInMethod(userId, other);
      await ctx.ports.signInMethods.removeSignInMethod(userId, method);
    }
    return { removed: method };
  },
  async verify(changes, ctx) {
    const methods = await ctx.ports.signInMethods.listSignInMethods(ctx.input.leaver.id);
    const left = changes.filter((c) => {
      const m = methodOf(c);
      return methods.some((x) => x.id === m.id && x.kind === m.kind);
    });
    return left.length === 0 ? ok() : fail(`${left.length} sign-in method(s) are still registered`);
  },
};
