import { ConfigurationError } from '@omnithread/core';

/** The mock helpdesk's secret, for local runs only: it is public, in this file. */
const LOCAL_SECRET = 'local-helpdesk-webhook-secret';

/**
 * The secret the helpdesk signs its webhooks with. Against a real helpdesk (HELPDESK_URL set) it must
 * be given: falling back to the local one would let anyone who read this file sign agent replies.
 */
export function webhookSecretFromEnv(env: Record<string, string | undefined>): string {
  const secret = env.HELPDESK_WEBHOOK_SECRET;
  if (secret) return secret;
  if (env.HELPDESK_URL)
    throw new ConfigurationError(
      'HELPDESK_WEBHOOK_SECRET',
      'HELPDESK_WEBHOOK_SECRET is required with HELPDESK_URL: the secret your helpdesk signs its webhooks with',
    );
  return LOCAL_SECRET;
}
