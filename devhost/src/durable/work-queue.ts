// Runs async jobs with a bound on how many run at once.
export class WorkQueue<T> {
  private readonly waiting: T[] = [];
  private running = 0;

  constructor(
    private readonly concurrency: number,
    private readonly run: (job: T) => Promise<void>,
  ) {}

  get active(): number {
    return this.running;
  }

  push(job: T): void {
    this.waiting.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as T;
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}
