/** How the app proves its identity to Entra ID. SharePoint app-only refuses secrets. */
export type CredentialKind = 'certificate' | 'secret' | 'managed-identity';

/** Access tokens for one resource (one `/.default` scope), cached by msal. */
export interface TokenProvider {
  readonly scope: string;
  readonly credentialKind: CredentialKind;
  /** A bearer token; `forceRefresh` skips the cache (after a 401). Never log the result. */
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

/** A configured app identity able to hand out token providers per resource. */
export interface TokenSource {
  readonly credentialKind: CredentialKind;
  tokenProvider(scope: string): TokenProvider;
}
