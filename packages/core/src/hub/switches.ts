import type { ChannelSwitch } from '../model/conversation.js';
import type { MessageChannel, Page, PageOptions, StoreReader } from '../store/contract.js';
import { decodeCursor, encodeCursor, pageLimit } from '../store/pagination.js';

// Messages are read in pages of this many while looking for switches.
const READ_PAGE = 1000;

// Every store's message cursor is `encodeCursor(sentAt, id)` of the last message read (see
// pagination.ts), so a switch page can resume right after the message that made its last switch.
const messageCursorAfter = (m: MessageChannel) => encodeCursor(m.sentAt, m.id);

/**
 * Every channel switch of a conversation, oldest first, derived from its messages in time order (the
 * conversation's record keeps only the latest `RECENT_SWITCHES`). A page holds up to `limit`
 * switches; `nextCursor` is set only when another switch follows.
 */
export async function listSwitches(
  store: StoreReader,
  conversationId: string,
  options: PageOptions = {},
): Promise<Page<ChannelSwitch>> {
  const limit = pageLimit(options.limit);
  // The cursor holds the channel in use before the next message, and where the messages resume.
  let previous: string | undefined;
  let messages: string | undefined;
  if (options.cursor) {
    const { sortKey, id } = decodeCursor(options.cursor);
    previous = sortKey;
    messages = id;
  }
  const items: ChannelSwitch[] = [];
  let resumeAfter: MessageChannel | undefined;
  // Only id, channel and time are needed: a store that can list just those spares reading each whole.
  const read = (pageOptions: PageOptions): Promise<Page<MessageChannel>> =>
    store.listMessageChannels
      ? store.listMessageChannels(conversationId, pageOptions)
      : store.listMessages(conversationId, pageOptions);
  do {
    const page = await read(messages ? { limit: READ_PAGE, cursor: messages } : { limit: READ_PAGE });
    for (const m of page.items) {
      if (previous !== undefined && previous !== m.channel) {
        // One switch past the page's last says there is a next page: resume after the last kept.
        if (items.length === limit) {
          const last = resumeAfter!;
          return { items, nextCursor: encodeCursor(last.channel, messageCursorAfter(last)) };
        }
        items.push({ from: previous, to: m.channel, at: m.sentAt, messageId: m.id });
        resumeAfter = m;
      }
      previous = m.channel;
    }
    messages = page.nextCursor;
  } while (messages);
  return { items };
}
