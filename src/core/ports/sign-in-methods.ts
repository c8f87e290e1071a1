/** Entra ID (Microsoft Graph) authentication methods registered to a user: what they can sign in with. */

/** The kinds of method the offboarding removes, plus the ones it only reports (password, unknown). */
export type SignInMethodKind =
  | 'phone'
  | 'microsoftAuthenticator'
  | 'fido2'
  | 'softwareOath'
  | 'temporaryAccessPass'
  | 'email'
  | 'windowsHelloForBusiness'
  | 'password'
  | 'other';

export interface SignInMethod {
  /** Method id (for phones the fixed id of the phone type). */
  id: string;
  kind: SignInMethodKind;
  /** What an operator recognises: the masked number, the device or key name. Never a secret. */
  label: string;
}

export interface SignInMethods {
  /** Every method registered to the user (`/users/{id}/authentication/methods`). */
  listSignInMethods(userId: string): Promise<SignInMethod[]>;
  /**
   * Deletes one method. Idempotent: a method already gone is success. Throws `ConflictError` when the
   * method is the user's default and other methods are still registered (Entra refuses that).
   */
  removeSignInMethod(userId: string, method: Pick<SignInMethod, 'id' | 'kind'>): Promise<void>;
}

/** Kinds Graph can delete; the password and unknown kinds stay. */
export const removableSignInMethodKinds: readonly SignInMethodKind[] = [
  'temporaryAccessPass',
  'softwareOath',
  'fido2',
  'windowsHelloForBusiness',
  'email',
  'microsoftAuthenticator',
  'phone',
];
