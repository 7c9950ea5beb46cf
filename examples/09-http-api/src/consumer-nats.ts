// Where a workshop consumer finds NATS: NATS_URL, else the local server on the default port, and
// never a private nats-server of its own. The API server and every consumer terminal must share one
// server; a consumer on a private server would see no ORDERS stream and none of the API's messages.
import { defaultNatsUrl, resolveNats, ServiceUnavailableError, type ResolvedService } from '@mq/shared';

export async function consumerNats(env: NodeJS.ProcessEnv = process.env, defaultUrl = defaultNatsUrl): Promise<ResolvedService> {
  try {
    return await resolveNats({ env, defaultUrl, privateBinary: false, containers: false });
  } catch (err) {
    if (!(err instanceof ServiceUnavailableError)) throw err;
    // The shared sentence says what was tried and how to start a server; add why there is no fallback.
    throw new ServiceUnavailableError(`${err.message.replace(/\.$/, '')}; a consumer never starts a private nats-server, because the API server and every consumer must share one.`);
  }
}
