import { isObj, type Obj, str } from '../formats/util.js';

export interface IntelligenceClientOptions {
  accountSid: string;
  authToken: string;
  /** Injectable for tests and custom agents; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Default `https://intelligence.twilio.com`. */
  intelligenceBaseUrl?: string;
  /** Default `https://api.twilio.com`. */
  apiBaseUrl?: string;
}

/** A transcript with all its sentences, and the call it belongs to when that could be found. */
export interface FetchedTranscript {
  transcript: Obj;
  sentences: Obj[];
  callSid?: string;
}

const MAX_PAGES = 200;

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}
const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const RECORDING_SID = /^RE[0-9a-fA-F]{32}$/;

async function getJson(url: string, options: IntelligenceClientOptions): Promise<Obj> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const auth = Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
  const response = await doFetch(url, {
    headers: { authorization: `Basic ${auth}`, accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`Twilio answered ${response.status} for ${new URL(url).pathname}`);
  const body: unknown = await response.json();
  if (!isObj(body)) throw new Error(`Twilio answered a non-object for ${new URL(url).pathname}`);
  return body;
}

/**
 * Fetches an Intelligence transcript, every page of its sentences, and — when the transcript's
 * `customer_key` is not a CallSid — the CallSid of its source recording, so the transcript can be
 * attached to the call message.
 */
export async function fetchIntelligenceTranscript(
  transcriptSid: string,
  options: IntelligenceClientOptions,
): Promise<FetchedTranscript> {
  if (!/^GT[0-9a-fA-F]{32}$/.test(transcriptSid))
    throw new Error(`not a transcript sid: ${JSON.stringify(transcriptSid.slice(0, 40))}`);
  const base = (options.intelligenceBaseUrl ?? 'https://intelligence.twilio.com').replace(/\/+$/, '');
  const transcript = await getJson(`${base}/v2/Transcripts/${transcriptSid}`, options);
  const sentences: Obj[] = [];
  let next: string | undefined = `${base}/v2/Transcripts/${transcriptSid}/Sentences?PageSize=1000`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const body = await getJson(next, options);
    for (const s of Array.isArray(body.sentences) ? body.sentences : []) if (isObj(s)) sentences.push(s);
    const meta = isObj(body.meta) ? body.meta : {};
    // Follow pages only on Twilio's own host: the request carries the account's credentials.
    const following = str(meta.next_page_url);
    next = following && sameOrigin(following, base) ? following : undefined;
  }
  const result: FetchedTranscript = { transcript, sentences };
  const key = str(transcript.customer_key);
  const channel = isObj(transcript.channel) ? transcript.channel : {};
  const media = isObj(channel.media_properties) ? channel.media_properties : {};
  const source = str(media.source_sid);
  if (key && CALL_SID.test(key)) result.callSid = key;
  else if (source && CALL_SID.test(source)) result.callSid = source;
  else if (source && RECORDING_SID.test(source)) {
    const api = (options.apiBaseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
    const recording = await getJson(
      `${api}/2010-04-01/Accounts/${options.accountSid}/Recordings/${source}.json`,
      options,
    );
    const callSid = str(recording.call_sid);
    if (callSid && CALL_SID.test(callSid)) result.callSid = callSid;
  }
  return result;
}
