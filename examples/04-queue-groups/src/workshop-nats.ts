// Where the workshop scripts find NATS. Several terminals must share ONE server, so unlike
// resolveNats()'s default these scripts never start a private server (each terminal would get
// its own, and the workers would never see the published orders): env URL or the default
// local server, otherwise one sentence saying how to fix it.
import { defaultNatsUrl, resolveNats, ServiceUnavailableError } from '@mq/shared';

export async function workshopNats(url?: string, env: NodeJS.ProcessEnv = process.env, defaultUrl = defaultNatsUrl) {
  const effective = url ? { ...env, NATS_URL: url } : env;
  try {
    return await resolveNats({ env: effective, defaultUrl, privateBinary: false, containers: false });
  } catch (err) {
    if (!(err instanceof ServiceUnavailableError)) throw err;
    const where = effective.NATS_URL ? `at ${effective.NATS_URL}${url ? ' (from --url)' : ' (from NATS_URL)'}` : `at ${defaultUrl} and NATS_URL is not set`;
    throw new Error(
      `No NATS server answers ${where}: every workshop terminal must talk to the same server, so start one with \`docker compose up -d nats\` (or \`nats-server -js\`) or point NATS_URL at one, then run this again.`,
    );
  }
}
