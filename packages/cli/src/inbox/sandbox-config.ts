/**
 * The sandbox's made-up business: its numbers, page ids and webhook secrets. The journey signs its
 * webhooks with these exactly as the providers would sign theirs, and the adapters verify them with
 * their signature checks on: the demo exercises the production path, only the sends are local.
 */
export const SANDBOX = {
  twilio: {
    accountSid: 'AC5a7d0b0e8f3c4e2a9b1d6c7e8f901234',
    authToken: 'sandbox-twilio-auth-token-0f9e8d7c',
    /** Our Twilio number (SMS and voice). */
    number: '+18005550199',
  },
  meta: {
    appSecret: 'sandbox-meta-app-secret-5b4a3c2d',
    verifyToken: 'sandbox-verify-token',
    accessToken: 'sandbox-graph-access-token',
  },
  whatsapp: {
    phoneNumberId: '109876543210987',
    displayNumber: '18005550199',
    businessAccountId: '102290129340398',
  },
  messenger: { pageId: '104000000000001' },
  instagram: { igUserId: '17841400000000001' },
  x: { consumerSecret: 'sandbox-x-consumer-secret-7e6d', userId: '3001', screenName: 'AcmeOutdoorHelp' },
  email: {
    signingKey: 'sandbox-mailgun-signing-key-1a2b3c',
    address: 'support@acme-outdoor.example',
    authservId: 'mxa.mailgun.org',
  },
} as const;
