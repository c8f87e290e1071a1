/**
 * The sandbox tenant of `bench:bot -- --mailboxes N`, as its own process so the bench measures the
 * bot's memory alone. Prints one JSON line (base URL, leavers' UPNs, mailbox count) when it is ready
 * and runs until it is killed. Arguments: users, Graph ms, Exchange ms, SharePoint ms, login ms, jitter.
 */
import { startSandbox } from '../src/sandbox/index.js';
import { latencyBehaviours, type LatencyProfile } from './offboard-bench-support.js';

const [users = '0', graph = '100', exchange = '500', sharepoint = '300', login = '60', jitter = '0.2'] =
  process.argv.slice(2);
const profile: LatencyProfile = {
  graph: Number(graph),
  exchange: Number(exchange),
  sharepoint: Number(sharepoint),
  login: Number(login),
  jitter: Number(jitter),
};
const sandbox = await startSandbox({
  port: 0,
  tenant: { users: Number(users) },
  behaviours: { latency: latencyBehaviours(profile), throttling: { enabled: true } },
});
const ids = sandbox.generated?.userIds ?? [];
const leavers = ids.slice(0, 400).map((id) => sandbox.state.directory.getUser(id)?.userPrincipalName ?? id);
const mailboxes = [...sandbox.state.exchange.mailboxes()].length;
process.stdout.write(`${JSON.stringify({ baseUrl: sandbox.baseUrl, leavers, mailboxes })}\n`);
process.once('SIGTERM', () => {
  void sandbox.close().then(() => process.exit(0));
});
