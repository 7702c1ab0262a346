/**
 * A progress bar on stderr, so that stdout stays the report. On a terminal it redraws one line; elsewhere (CI
 * logs, a pipe) it prints a line at each tenth of the way, so logs stay readable.
 */
export class ProgressBar {
  private lastTenth = -1;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** `done` out of `total` (bytes, events, anything), and a text such as the counts so far. */
  update(done: number, text: string): void {
    const fraction = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const width = 30;
    const filled = Math.round(fraction * width);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${text}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1).padEnd(Math.min(line.length, (this.stream.columns ?? 120) - 1))}`);
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.stream.write(`${line}\n`);
    }
  }

  finish(text: string): void {
    this.update(this.total, text);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  get elapsedSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }
}
