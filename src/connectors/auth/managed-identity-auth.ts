import { LogLevel, ManagedIdentityApplication } from '@azure/msal-node';
import type { Logger } from 'pino';
import { InvalidInputError } from '../../core/errors.js';
import { toLifecycleAuthError } from './auth-errors.js';
import { resourceOfScope } from './resource-scopes.js';
import type { TokenProvider, TokenSource } from './token-provider.js';

export interface ManagedIdentityAuthOptions {
  /** Client id of a user-assigned managed identity; omit for the system-assigned identity. */
  userAssignedClientId?: string;
  logger: Logger;
}

/**
 * Tokens from the host's managed identity (App Service, Container Apps, VM) via msal-node's
 * ManagedIdentityApplication. Production only: the sandbox has no managed-identity endpoint.
 */
export class ManagedIdentityAuth implements TokenSource {
  readonly credentialKind = 'managed-identity' as const;
  private readonly app: ManagedIdentityApplication;
  private readonly logger: Logger;

  constructor(options: ManagedIdentityAuthOptions) {
    const clientId = options.userAssignedClientId;
    if (
      clientId !== undefined &&
      !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)
    ) {
      throw new InvalidInputError('userAssignedClientId must be a GUID');
    }
    this.logger = options.logger.child({ component: 'managed-identity-auth' });
    this.app = new ManagedIdentityApplication({
      ...(clientId === undefined ? {} : { managedIdentityIdParams: { userAssignedClientId: clientId } }),
      system: {
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (_level, message, containsPii) => {
            if (!containsPii) this.logger.warn({ msal: message }, 'msal warning');
          },
        },
      },
    });
  }

  tokenProvider(scope: string): TokenProvider {
    const resource = resourceOfScope(scope);
    return {
      scope,
      credentialKind: this.credentialKind,
      getToken: async (options) => {
        try {
          const result = await this.app.acquireToken({
            resource,
            forceRefresh: options?.forceRefresh === true,
          });
          return result.accessToken;
        } catch (error) {
          throw toLifecycleAuthError(error, scope);
        }
      },
    };
  }
}
