/** Where the bot may download attached files from: the tenant's SharePoint hosts, and the sandbox in sandbox mode. */
import { sharePointHostsOf } from '../connectors/sharepoint/sharepoint-urls.js';
import type { DownloadPolicy } from '../teams/actions/file-download.js';
import type { AppConfig } from './config.js';

export function downloadPolicyOf(config: AppConfig): DownloadPolicy {
  const hosts = sharePointHostsOf(config.urls.sharePointAdmin);
  const sandbox = config.mode === 'sandbox' && config.urls.sandbox ? new URL(config.urls.sandbox) : undefined;
  return {
    httpsHosts: [hosts.my, hosts.root],
    ...(sandbox && { sandboxHost: sandbox.hostname.toLowerCase() }),
  };
}
