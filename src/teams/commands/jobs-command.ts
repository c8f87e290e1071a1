/**
 * `jobs`: the scheduled jobs (the permission inventory's refresh, …) with their schedule, last run and
 * result, and next run, for IT operators (the reader role, checked by the guard). Read from the store,
 * so every instance answers the same.
 */
import { jobLines } from '../../core/schedule/job-lines.js';
import { markdownText as md } from '../cards/markdown-text.js';
import type { Turn } from '../route.js';

export async function jobsCommand(turn: Turn): Promise<void> {
  const { ctx, deps } = turn;
  const jobs = await deps.jobs?.list();
  if (!jobs || jobs.length === 0) {
    await ctx.sendActivity('No scheduled jobs are configured.');
    return;
  }
  const now = deps.clock.now();
  const blocks = jobs.map((job) => {
    const lines = jobLines(job, now);
    return `**${md(lines.title)}**\n\n${md(lines.lastRun)}\n\n${md(lines.nextRun)}`;
  });
  await ctx.sendActivity(`Scheduled jobs (times in UTC):\n\n${blocks.join('\n\n---\n\n')}`);
}
