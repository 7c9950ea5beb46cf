// Every rejected flag ends with the script's usage text, whichever check rejected it
// (parseFlags already appends it; intFlag, rateValue and name checks do not).
import { HelpRequested, InvalidNameError, UsageError } from '@mq/shared';

export function withUsage<T>(usage: string, configure: () => T): T {
  try {
    return configure();
  } catch (err) {
    if (err instanceof HelpRequested) throw err; // --help: usage on stdout, exit 0
    if (!(err instanceof UsageError || err instanceof InvalidNameError)) throw err;
    throw new UsageError(err.message.includes(usage) ? err.message : `${err.message}\n\n${usage}`);
  }
}
