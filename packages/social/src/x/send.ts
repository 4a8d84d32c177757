import {
  type Attachment,
  NotSupportedError,
  type OutboundMessage,
  type SendContext,
  SendFailedError,
  type SendResult,
  ValidationError,
} from '@omnithread/core';
import type { TwitterApi } from 'twitter-api-v2';

/** Longest public reply (a DM may be 10,000 characters). */
export const TWEET_MAX_LENGTH = 280;

export interface XSendDeps {
  client: TwitterApi;
  userId: string;
  /** `match`: answer a public mention publicly and a DM privately. `dm`: always answer by DM (move public threads to private). */
  replyMode: 'match' | 'dm';
  fetch: typeof fetch;
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

/** Maps a twitter-api-v2 failure (not a 429: `call` handles those) to a typed error. */
function sendFailed(what: string, error: unknown): Error {
  if (typeof error === 'object' && error !== null && (error as { code?: string }).code === 'RATE_LIMITED')
    return error as Error;
  const e = error as {
    code?: unknown;
    data?: { title?: string; detail?: string; errors?: Array<{ code?: number; message?: string }> };
  };
  const status = typeof e?.code === 'number' ? e.code : undefined;
  const detail =
    e?.data?.detail ??
    e?.data?.errors?.[0]?.message ??
    e?.data?.title ??
    String((error as Error)?.message ?? error);
  const providerCode = e?.data?.errors?.[0]?.code ?? status;
  return new SendFailedError(`X refused ${what}${status ? ` (HTTP ${status})` : ''}: ${detail}`, {
    ...(providerCode === undefined ? {} : { providerCode: String(providerCode) }),
    retryable: status === undefined || status >= 500,
    cause: error,
  });
}

async function bytesOf(a: Attachment, fetchImpl: typeof fetch): Promise<Buffer> {
  if (a.content) return Buffer.from(a.content, 'base64');
  if (a.url) {
    const response = await fetchImpl(a.url);
    if (!response.ok)
      throw new SendFailedError(`could not fetch attachment ${a.id} (HTTP ${response.status})`, {
        retryable: true,
      });
    return Buffer.from(await response.arrayBuffer());
  }
  throw new NotSupportedError('send.media', `attachment ${a.id} has neither content nor url`);
}

/** Uploads attachments with the v2 chunked media upload; returns the media ids. */
async function upload(attachments: Attachment[], deps: XSendDeps): Promise<string[]> {
  const ids: string[] = [];
  for (const a of attachments) {
    const bytes = await bytesOf(a, deps.fetch);
    try {
      ids.push(
        await deps.call('media upload', () =>
          deps.client.v2.uploadMedia(bytes, { media_type: a.contentType as never }),
        ),
      );
    } catch (error) {
      throw sendFailed(`the upload of ${a.filename ?? a.id}`, error);
    }
  }
  return ids;
}

/**
 * Sends on X: a public reply (`v2.reply`) when the customer's last message on X was public and the
 * reply mode allows it, else a DM (`v2.sendDmInConversation` when the conversation id is known,
 * `v2.sendDmToParticipant` otherwise). Media go through the v2 media upload first.
 */
export async function xSend(
  message: OutboundMessage,
  context: SendContext,
  deps: XSendDeps,
): Promise<SendResult> {
  const to = message.to[0];
  if (to?.kind !== 'x')
    throw new ValidationError('X sends go to an `x` identity (the numeric user id)', { path: 'to' });
  if (message.text.length === 0 && message.attachments.length === 0) {
    throw new ValidationError('nothing to send: no text and no attachments', { path: 'text' });
  }
  const last = context.lastInbound;
  const publicReply = deps.replyMode === 'match' && last?.channel === 'x' && last.visibility === 'public';
  const sentAt = context.now.toISOString();
  const from = { kind: 'x', value: deps.userId };

  if (publicReply) {
    if (message.text.length > TWEET_MAX_LENGTH) {
      throw new ValidationError(
        `a public reply is limited to ${TWEET_MAX_LENGTH} characters; move to DM for longer answers`,
        { path: 'text' },
      );
    }
    if (message.attachments.length > 4)
      throw new NotSupportedError('send.media', 'a Tweet carries at most 4 media');
    const tweetId = message.replyToExternalId ?? last.external.id;
    const mediaIds = await upload(message.attachments, deps);
    const payload = mediaIds.length > 0 ? { media: { media_ids: mediaIds as [string] } } : {};
    let result: Awaited<ReturnType<TwitterApi['v2']['reply']>>;
    try {
      result = await deps.call('POST /2/tweets', () => deps.client.v2.reply(message.text, tweetId, payload));
    } catch (error) {
      throw sendFailed('the public reply', error);
    }
    const id = result.data.id;
    const keys = [`x:tweet:${id}`];
    if (last.external.threadId) keys.push(`x:conversation:${last.external.threadId}`);
    return {
      externalId: id,
      status: 'sent',
      sentAt,
      from,
      thread: { keys, refs: [`x:tweet:${tweetId}`] },
      visibility: 'public',
      metadata: { visibility: 'public', inReplyToTweetId: tweetId, mediaIds },
      raw: result,
    };
  }

  if (message.attachments.length > 1)
    throw new NotSupportedError('send.media', 'an X DM carries at most one media attachment');
  const mediaIds = await upload(message.attachments, deps);
  const body = {
    ...(message.text ? { text: message.text } : {}),
    ...(mediaIds[0] ? { attachments: [{ media_id: mediaIds[0] }] as [{ media_id: string }] } : {}),
  };
  const conversationId = message.threadKeys.find((k) => k.startsWith('x:dm:'))?.slice('x:dm:'.length);
  let result: Awaited<ReturnType<TwitterApi['v2']['sendDmToParticipant']>>;
  try {
    result = conversationId
      ? await deps.call('POST /2/dm_conversations/:id/messages', () =>
          deps.client.v2.sendDmInConversation(conversationId, body),
        )
      : await deps.call('POST /2/dm_conversations/with/:id/messages', () =>
          deps.client.v2.sendDmToParticipant(to.value, body),
        );
  } catch (error) {
    throw sendFailed('the DM', error);
  }
  // X answers `{ data: { dm_conversation_id, dm_event_id } }`; twitter-api-v2's type omits the `data` level.
  const sent = ((result as unknown as { data?: typeof result }).data ?? result) as Partial<typeof result>;
  if (!sent.dm_event_id)
    throw new SendFailedError('X answered the DM without a dm_event_id', { retryable: false });
  return {
    externalId: sent.dm_event_id,
    status: 'sent',
    sentAt,
    from,
    thread: {
      keys: [`x:dm:${sent.dm_conversation_id ?? conversationId ?? ''}`].filter((k) => k !== 'x:dm:'),
    },
    metadata: { visibility: 'private', mediaIds },
    raw: result,
  };
}
