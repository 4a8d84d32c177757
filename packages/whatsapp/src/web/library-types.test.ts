import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type WAWebJS from 'whatsapp-web.js';
import { ackStatus } from './map.js';
import type { WebClientLike, WebMessageLike, WebMessageMediaConstructor, WebReactionLike } from './types.js';

// Compile-time proof (checked by `tsc` over src/) that the real library's types fit the shapes the
// adapter is written against, so an app passes its Client and MessageMedia without casts.
type Fits<T extends U, U> = T extends U ? true : never;
export const libraryTypesFit: [
  Fits<WAWebJS.Client, WebClientLike>,
  Fits<WAWebJS.Message, WebMessageLike>,
  Fits<WAWebJS.Reaction, WebReactionLike>,
  Fits<typeof WAWebJS.MessageMedia, WebMessageMediaConstructor>,
] = [true, true, true, true];

describe('whatsapp-web.js constants (from the installed library, no browser)', () => {
  const constants = createRequire(import.meta.url)('whatsapp-web.js/src/util/Constants.js') as {
    Events: Record<string, string>;
    MessageAck: Record<string, number>;
  };
  it('uses the library’s real event names', () => {
    const names = Object.values(constants.Events);
    for (const name of [
      'message',
      'message_create',
      'message_ack',
      'message_reaction',
      'message_edit',
      'message_revoke_everyone',
    ]) {
      expect(names).toContain(name);
    }
  });
  it('maps every MessageAck value', () => {
    const { ACK_ERROR, ACK_PENDING, ACK_SERVER, ACK_DEVICE, ACK_READ, ACK_PLAYED } = constants.MessageAck;
    expect(
      [ACK_ERROR, ACK_PENDING, ACK_SERVER, ACK_DEVICE, ACK_READ, ACK_PLAYED].map((a) => ackStatus(a!)),
    ).toEqual(['failed', 'queued', 'sent', 'delivered', 'read', 'read']);
  });
});
