/**
 * Pure data for the containment timeline card: each system with the time it was cut off, counted from
 * the approval, which one took longest, and the offboarding drafted for IT. Names and step errors go
 * through `markdownText`.
 */
import type { ContainTimeline, TimelineStep } from '../../core/contain/contain-timeline.js';
import { markdownText as md } from './markdown-text.js';
import { formatElapsed } from './run-card-data.js';

export interface ContainTimelineCardData {
  title: string;
  color: 'Good' | 'Warning' | 'Attention';
  headline: string;
  requestId: string;
  originText: string;
  firstRevocationText: string;
  longestText: string;
  systems: {
    name: string;
    statusText: string;
    color: 'Good' | 'Attention';
    steps: { title: string; statusText: string }[];
  }[];
  offboardingText: string;
}

function stepText(step: TimelineStep): string {
  switch (step.status) {
    case 'done':
      return step.isNothingToDo ? 'already done' : 'done';
    case 'failed':
      return `failed: ${md(step.error ?? 'unknown error')}`;
    case 'skipped':
      return `skipped: ${md(step.error ?? 'not run')}`;
    default:
      return step.status;
  }
}

const clockText = (iso: string): string => `${iso.slice(11, 19)} UTC`;

export function containTimelineCardData(
  requestId: string,
  subjectName: string,
  timeline: ContainTimeline,
): ContainTimelineCardData {
  const systems = timeline.systems.map((s) => ({
    name: md(s.name),
    statusText: s.isCutOff
      ? `cut off at ${s.cutOffAt ? clockText(s.cutOffAt) : '—'} (+${formatElapsed(s.elapsedMs ?? 0)})`
      : 'NOT cut off: see the steps below',
    color: s.isCutOff ? ('Good' as const) : ('Attention' as const),
    steps: s.steps.map((step) => ({ title: md(step.title), statusText: stepText(step) })),
  }));
  const longest = timeline.systems.find((s) => s.name === timeline.longest);
  const cutCount = timeline.systems.filter((s) => s.isCutOff).length;
  const drafted = timeline.offboarding;
  const offboardingText = drafted
    ? drafted.isExisting
      ? `Offboarding ${drafted.requestId} was already open for ${md(subjectName)}: ${md(drafted.delegateNote)}`
      : `Offboarding ${drafted.requestId} drafted for IT (delegate: ${md(drafted.delegate ?? 'nobody yet')}; ` +
        `${md(drafted.delegateNote)}). It waits for the requester's confirmation: \`status ${drafted.requestId}\` shows its card.`
    : `No offboarding was drafted: the policy refuses an offboarding of ${md(subjectName)}.`;
  return {
    title: `Containment timeline of ${md(subjectName)}`,
    color: timeline.isComplete ? 'Good' : cutCount > 0 ? 'Warning' : 'Attention',
    headline: timeline.isComplete
      ? `Cut off from every system (${timeline.systems.length}).`
      : `Cut off from ${cutCount} of ${timeline.systems.length} systems: act on the others now.`,
    requestId,
    originText: clockText(timeline.origin),
    firstRevocationText: timeline.firstSessionRevocation
      ? `+${formatElapsed(timeline.firstSessionRevocation.elapsedMs)}`
      : 'not applied',
    longestText: longest ? `${md(longest.name)} (+${formatElapsed(longest.elapsedMs ?? 0)})` : '—',
    systems,
    offboardingText,
  };
}
