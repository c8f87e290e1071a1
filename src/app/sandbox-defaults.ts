/**
 * Defaults that make sandbox mode work with no configuration: the seeded app's test-only certificate
 * (SharePoint refuses secrets, like SharePoint Online) and the seeded role groups. Explicit
 * environment values always win.
 */
import { sandboxCertificatePath, sandboxPrivateKeyPath } from '../sandbox/seed/certificate.js';
import { seeded } from '../sandbox/index.js';

export function sandboxEnvDefaults(): Record<string, string> {
  return {
    CLIENT_CERT_FILE: sandboxCertificatePath,
    CLIENT_KEY_FILE: sandboxPrivateKeyPath,
    REQUESTERS_GROUP_IDS: seeded.groups.lifecycleRequesters,
    APPROVERS_GROUP_IDS: seeded.groups.lifecycleApprovers,
    PROTECTED_GROUP_IDS: seeded.groups.lifecycleProtected,
    PROTECTED_UPNS: 'breakglass.admin@contoso.com',
    INCIDENT_RESPONDER_GROUP_IDS: '',
    NOTICE_SENDER_UPN: 'lifecycle-bot@contoso.com',
    TEAMS_APP_ID: seeded.teamsApp.manifestId,
  };
}
