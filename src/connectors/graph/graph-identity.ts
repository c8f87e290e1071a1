import type { Logger } from 'pino';
import type { Ports } from '../../core/ports/index.js';
import { GraphAccountControl } from './graph-account-control.js';
import { GraphApi } from './graph-api.js';
import { GraphAutoReplies } from './graph-auto-replies.js';
import { GraphDevices } from './graph-devices.js';
import type { GraphConnection } from './graph-client-factory.js';
import { GraphGroups } from './graph-groups.js';
import { GraphLicences } from './graph-licences.js';
import { GraphMessaging } from './graph-messaging.js';
import { GraphOrgChart } from './graph-org-chart.js';
import { GraphOwnership } from './graph-ownership.js';
import { GraphSignInMethods } from './graph-sign-in-methods.js';
import { GraphUserDirectory } from './graph-user-directory.js';

export interface GraphIdentityOptions {
  connection: GraphConnection;
  logger: Logger;
}

/** The Entra ID capability ports, all on Microsoft Graph. */
export type GraphIdentity = Pick<
  Ports,
  | 'users'
  | 'accounts'
  | 'groups'
  | 'licences'
  | 'autoReplies'
  | 'messaging'
  | 'signInMethods'
  | 'orgChart'
  | 'ownership'
  | 'devices'
>;

/**
 * The Entra ID capability ports on Microsoft Graph v1.0 (app-only), one adapter per port, sharing one
 * connection. Every failure is a core error with the Graph error as cause.
 */
export function createGraphIdentity(options: GraphIdentityOptions): GraphIdentity {
  const api = new GraphApi(options.connection);
  return {
    users: new GraphUserDirectory(api),
    accounts: new GraphAccountControl(api),
    groups: new GraphGroups(api, options.logger.child({ component: 'graph-identity' })),
    licences: new GraphLicences(api),
    autoReplies: new GraphAutoReplies(api),
    messaging: new GraphMessaging(api),
    signInMethods: new GraphSignInMethods(api),
    orgChart: new GraphOrgChart(api),
    ownership: new GraphOwnership(api),
    devices: new GraphDevices(api),
  };
}
