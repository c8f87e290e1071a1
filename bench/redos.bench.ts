/**
 * Hostile input against the real command path: the time the bot spends on one message (the event
 * loop is blocked for about that long when the time goes to a regular expression) when the message,
 * a file cell or a card field holds up to 256 KB shaped to make `x@y.z` patterns backtrack
 * (`a@.....@`). Each case goes through the production wiring (TestAdapter, route table, guard,
 * handlers, real connectors against the in-process sandbox, PGlite in memory); files are served on
 * loopback, as the sandbox-mode download policy allows.
 *
 * Target: a median under 50 ms per message for every case (the maximum and the longest event-loop
 * block are reported too; on a loaded machine single runs stray). Exits with status 1 on a miss.
 *
 * Run: npm run bench:redos [-- --repeat 5]   Writes bench/results/redos.json and prints it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import {
  actionsOf,
  cardIn,
  personas,
  startBotHarness,
  tenantId,
  textOf,
  type Persona,
} from '../test/support/bot-harness.js';

const targetMs = 50;
const size = 256 * 1024;
const repeatArg = process.argv.indexOf('--repeat');
const repeat = repeatArg > 0 ? Number(process.argv[repeatArg + 1] ?? 5) : 5;

/** `a@` + dots + `@`: every dot is a place where `[^@]+\.[^@]+$` can split the domain. */
const fake = (length: number): string => `a@${'.'.repeat(length - 3)}@`;

interface CaseResult {
  name: string;
  inputBytes: number;
  runs: number;
  medianMs: number;
  maxMs: number;
  /** Longest event-loop delay seen during the case's runs (monitorEventLoopDelay, 1 ms resolution). */
  maxLoopBlockMs: number;
  reply: string;
  meetsTarget: boolean;
}

function fileActivity(from: Persona, url: string, text: string, name: string): Partial<Activity> {
  return {
    type: 'message',
    text,
    channelId: 'msteams',
    serviceUrl: 'https://smba.example.test/teams/',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:lifecycle-bot', name: 'Lifecycle' },
    conversation: {
      id: `personal-${from.id}`,
      isGroup: false,
      conversationType: 'personal',
      tenantId,
      name: '',
    },
    channelData: { tenant: { id: tenantId } },
    attachments: [
      {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        name,
        content: { downloadUrl: url, fileType: 'csv' },
      },
    ],
  };
}

async function main(): Promise<void> {
  const bot = await startBotHarness({ TENANT_READS_PER_MINUTE: '10000' });
  const payloads = new Map<string, string>([
    ['/joiners.csv', `CN,UserPrincipalName,EmployeeType\nRay Kim,${fake(size)},E\n`],
    ['/leavers.csv', `upn,delegate\n${fake(size / 2)},${fake(size / 2)}\n`],
  ]);
  const files = createServer((req, res) => {
    const body = payloads.get(req.url ?? '');
    res.statusCode = body === undefined ? 404 : 200;
    res.setHeader('content-type', 'text/csv');
    res.end(body ?? '');
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;

  const drain = (): string =>
    bot.adapter.activeQueue
      .splice(0)
      .map((a) => a.text ?? (a.attachments ? '[card]' : ''))
      .join(' ');

  // A draft offboarding to confirm with a hostile forwarding address (card data is capped at 16 KB).
  const card = cardIn(await bot.say(personas.operator, 'offboard adele.vance@contoso.com'));
  const confirm = actionsOf(card).find((a) => a.title === 'Confirm');
  if (!confirm) throw new Error('no offboarding card to confirm');

  const leaverList = Array.from({ length: Math.floor(size / 24) }, (_, i) => `l${i}@${'.'.repeat(12)}@`).join(
    ', ',
  );
  const cases: { name: string; inputBytes: number; send: () => Promise<string> }[] = [
    {
      name: 'provision <256 KB fake UPN> (requester)',
      inputBytes: size,
      send: async () => {
        return textOf(await bot.say(personas.operator, `provision ${fake(size)}`));
      },
    },
    {
      name: 'provision <256 KB fake UPN> (no role)',
      inputBytes: size,
      send: async () => {
        return textOf(await bot.say(personas.ordinary, `provision ${fake(size)}`));
      },
    },
    {
      name: 'provision <3,990-character fake UPN> (under the message cap)',
      inputBytes: 3990,
      send: async () => textOf(await bot.say(personas.operator, `provision ${fake(3990)}`)),
    },
    {
      name: 'offboard <3,990-character fake address> (under the message cap)',
      inputBytes: 3990,
      send: async () => textOf(await bot.say(personas.operator, `offboard ${fake(3990)}`)),
    },
    {
      name: 'offboard <256 KB list of fake UPNs>',
      inputBytes: leaverList.length,
      send: async () => {
        return textOf(await bot.say(personas.operator, `offboard ${leaverList}`));
      },
    },
    {
      name: 'offboard <256 KB fake address>',
      inputBytes: size,
      send: async () => {
        return textOf(await bot.say(personas.operator, `offboard ${fake(size)}`));
      },
    },
    {
      name: 'joiners CSV, one 256 KB UPN cell',
      inputBytes: payloads.get('/joiners.csv')?.length ?? 0,
      send: async () => {
        await bot.adapter.processActivity(
          fileActivity(personas.operator, `${base}/joiners.csv`, '', 'joiners.csv'),
        );
        return drain();
      },
    },
    {
      name: 'leavers CSV (offboard --from), 2 × 128 KB cells',
      inputBytes: payloads.get('/leavers.csv')?.length ?? 0,
      send: async () => {
        await bot.adapter.processActivity(
          fileActivity(personas.operator, `${base}/leavers.csv`, 'offboard --from', 'leavers.csv'),
        );
        return drain();
      },
    },
    {
      name: 'Confirm with forwardTo at the 16 KB card cap',
      inputBytes: 15_500,
      send: async () => {
        const result = await bot.click(personas.operator, confirm.verb, {
          ...confirm.data,
          forwardTo: fake(15_500),
        });
        return JSON.stringify(result.body?.value ?? '');
      },
    },
    {
      name: 'Confirm with a 256 KB forwardTo',
      inputBytes: size,
      send: async () => {
        const result = await bot.click(personas.operator, confirm.verb, {
          ...confirm.data,
          forwardTo: fake(size),
        });
        return JSON.stringify(result.body?.value ?? '');
      },
    },
  ];

  const results: CaseResult[] = [];
  for (const c of cases) {
    await c.send(); // warm-up (module loading, token)
    const times: number[] = [];
    let reply = '';
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    for (let i = 0; i < repeat; i += 1) {
      const started = performance.now();
      reply = await c.send();
      times.push(performance.now() - started);
    }
    loop.disable();
    const maxLoopBlockMs = round(loop.max / 1e6);
    times.sort((a, b) => a - b);
    const medianMs = round(times[Math.floor(times.length / 2)] ?? 0);
    const maxMs = round(times.at(-1) ?? 0);
    results.push({
      name: c.name,
      inputBytes: c.inputBytes,
      runs: repeat,
      medianMs,
      maxMs,
      maxLoopBlockMs,
      reply: reply.slice(0, 120),
      meetsTarget: medianMs < targetMs,
    });
  }

  await new Promise<void>((resolve) =>
    files.close(() => {
      resolve();
    }),
  );
  await bot.close();

  const report = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadavg: loadavg().map((l) => round(l)) },
    targetMs,
    results,
  };
  const dir = join(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'redos.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const r of results) {
    process.stdout.write(
      `${r.meetsTarget ? 'ok  ' : 'SLOW'} ${r.name}: median ${r.medianMs} ms, max ${r.maxMs} ms, longest loop block ${r.maxLoopBlockMs} ms (${r.runs} runs) → ${r.reply.slice(0, 70)}\n`,
    );
  }
  if (results.some((r) => !r.meetsTarget)) {
    process.stdout.write(`Some cases took ${targetMs} ms or more per message.\n`);
    process.exitCode = 1;
  }
}

const round = (n: number): number => Math.round(n * 10) / 10;

await main();
