// What the commands print to, and how they end: plain functions so the runner's tests call them
// in-process and read the lines, and the CLI maps the exit code to process.exit.
export interface Io {
  out(line?: string): void;
  err(line?: string): void;
}

export const consoleIo: Io = {
  out: (line = '') => console.log(line),
  err: (line = '') => console.error(line),
};

/** A usage mistake: printed with the usage, exit code 2. */
export class UsageMistake extends Error {}

export function durationText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
