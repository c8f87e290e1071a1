/** Long work started by a card invoke (which must answer within seconds); tests and shutdown await it. */
export class BackgroundTasks {
  private readonly tasks = new Set<Promise<void>>();
  constructor(private readonly onError: (error: unknown) => void) {}
  add(work: () => Promise<void>): void {
    const task = work()
      .catch(this.onError)
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
  }
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all(this.tasks);
  }
}
