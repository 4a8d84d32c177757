import { isConfigurationError } from '@omnithread/core';
import { describe, expect, it } from 'vitest';
import type { BridgeOptions } from '../src/bridge.js';
import { webhookSecretFromEnv } from '../src/env.js';
import { bareBridge } from './webhook-request.js';

/** The setting a ConfigurationError names, or the error itself when it is another one. */
function refusedSetting(options: Partial<BridgeOptions>): unknown {
  try {
    bareBridge(options);
  } catch (error) {
    return isConfigurationError(error) ? error.setting : error;
  }
  return undefined;
}

describe('settings that would weaken the webhook check', () => {
  it('are refused when the bridge is created, naming the setting', () => {
    expect(refusedSetting({ webhookSecret: '' })).toBe('webhookSecret');
    expect(refusedSetting({ toleranceSeconds: Number.NaN })).toBe('toleranceSeconds');
    expect(refusedSetting({ toleranceSeconds: 0 })).toBe('toleranceSeconds');
    expect(refusedSetting({ toleranceSeconds: -300 })).toBe('toleranceSeconds');
    expect(refusedSetting({ maxBodyBytes: Number.POSITIVE_INFINITY })).toBe('maxBodyBytes');
    expect(refusedSetting({ maxRememberedAnswers: 0 })).toBe('maxRememberedAnswers');
    expect(refusedSetting({ toleranceSeconds: 60, maxBodyBytes: 1024 })).toBeUndefined();
  });

  it('HELPDESK_WEBHOOK_SECRET is required against a real helpdesk; the public local one is for the mock only', () => {
    expect(() => webhookSecretFromEnv({ HELPDESK_URL: 'https://helpdesk.example.com/api' })).toThrow(
      expect.objectContaining({ setting: 'HELPDESK_WEBHOOK_SECRET' }),
    );
    expect(
      webhookSecretFromEnv({
        HELPDESK_URL: 'https://helpdesk.example.com/api',
        HELPDESK_WEBHOOK_SECRET: 's3',
      }),
    ).toBe('s3');
    expect(webhookSecretFromEnv({})).toBe('local-helpdesk-webhook-secret');
  });
});
