/** Long work started by a turn or a card invoke (which must answer within seconds); tests and shutdown await it. */
export class BackgroundTasks {
  private readonly tasks = new Set<Promise<void>>();
  private readonly queued: (() => void)[] = [];
  private answering = 0;

  /**
   * `maxAnswering`: how many `answer` works run at once. The others wait their turn: every work runs
   * on the bot's one thread, and fifty previews at once (each hundreds of callbacks) put every turn
   * behind all of their callbacks; a few at a time keep turns answered while the previews go on.
   */
  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly maxAnswering = 16,
  ) {
    if (!Number.isInteger(maxAnswering) || maxAnswering < 1) {
      throw new RangeError(`maxAnswering must be a whole number of at least 1, got ${maxAnswering}`);
    }
  }

  add(work: () => Promise<void>): void {
    const task = work()
      .catch(this.onError)
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
  }

  /** Work that answers a turn later (a preview for its card): at most `maxAnswering` at once, in order. */
  answer(work: () => Promise<void>): void {
    this.add(async () => {
      if (this.answering >= this.maxAnswering) {
        await new Promise<void>((resolve) => this.queued.push(resolve));
      } else this.answering += 1;
      try {
        await work();
      } finally {
        // The slot passes to the next one waiting, or is freed.
        const next = this.queued.shift();
        if (next) next();
        else this.answering -= 1;
      }
    });
  }

  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all(this.tasks);
  }
}
