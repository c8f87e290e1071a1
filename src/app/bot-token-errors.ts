/**
 * botbuilder's CloudAdapter answers 401 only to its own `AuthenticationError`; a token that names a
 * real Bot Framework signing key but fails `jsonwebtoken`'s checks (bad signature, not yet valid,
 * malformed claims) escapes as a `JsonWebTokenError` and is answered with 500. Such a request is an
 * unauthenticated caller, not a server fault: this wraps the adapter's request authentication so those
 * errors become `AuthenticationError` (401). Everything else passes through unchanged.
 */
import { AuthenticationError, type BotFrameworkAuthentication } from 'botframework-connector';
import type { TeamsAdapter } from '../teams/teams-ai.js';

const tokenErrorNames = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

interface WithAuthentication {
  botFrameworkAuthentication: BotFrameworkAuthentication;
}

export function answerBadTokensWith401(adapter: TeamsAdapter): void {
  // `botFrameworkAuthentication` is a protected member of CloudAdapterBase; it is the only place the
  // adapter validates incoming tokens.
  const auth = (adapter as unknown as WithAuthentication).botFrameworkAuthentication;
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    try {
      return await authenticate(activity, authHeader);
    } catch (error) {
      if (error instanceof Error && tokenErrorNames.has(error.name)) {
        throw new AuthenticationError(`Unauthorized. ${error.message}`, 401);
      }
      throw error;
    }
  };
}
