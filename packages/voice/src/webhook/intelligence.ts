import { RateLimitedError, readStreamBytes, SendFailedError, ValidationError } from '@omnithread/core';
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
/** Largest answer read from the Intelligence API (a page of sentences is a few hundred KB at most). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}
const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const RECORDING_SID = /^RE[0-9a-fA-F]{32}$/;

// Twilio's error answers: `{ code, message, more_info, status }`.
function twilioError(body: unknown): { code?: string; message?: string } {
  if (!isObj(body)) return {};
  const code = str(body.code);
  const message = typeof body.message === 'string' ? body.message.slice(0, 300) : undefined;
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

// Never the credentials in a message, even when a proxy echoes the request in its error page.
function redacted(options: IntelligenceClientOptions, message: string): string {
  const basic = Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
  let safe = message;
  for (const secret of [options.authToken, basic]) if (secret) safe = safe.split(secret).join('[redacted]');
  return safe;
}

/**
 * A typed error for a Twilio read that went wrong. `SendFailedError` is the core's "the provider
 * did not do what we asked" error; the hub answers it with 500, so Twilio delivers the webhook
 * again. Messages name the status or field.
 */
function readFailed(
  options: IntelligenceClientOptions,
  message: string,
  extra: { providerCode?: string; retryable: boolean },
): SendFailedError {
  return new SendFailedError(redacted(options, message), extra);
}

async function getJson(url: string, options: IntelligenceClientOptions): Promise<Obj> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const auth = Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
  const path = new URL(url).pathname;
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: { authorization: `Basic ${auth}`, accept: 'application/json' },
    });
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw readFailed(options, `Twilio could not be reached for ${path}: ${why}`, { retryable: true });
  }
  // Twilio's own answer, but read with a bound all the same: a page of sentences is far smaller.
  const bytes = await readStreamBytes(response.body, {
    maxBytes: MAX_ANSWER_BYTES,
    tooLarge: () =>
      readFailed(options, `Twilio's answer for ${path} is over ${MAX_ANSWER_BYTES} bytes`, {
        retryable: false,
      }),
  });
  const text = new TextDecoder().decode(bytes);
  let body: unknown;
  let json = true;
  try {
    body = JSON.parse(text);
  } catch {
    json = false;
  }
  if (!response.ok) {
    const twilio = twilioError(body);
    const said = twilio.message ? `: ${twilio.code ? `${twilio.code} ` : ''}${twilio.message}` : '';
    const message = `Twilio answered HTTP ${response.status} for ${path}${said}`;
    if (response.status === 429) {
      const after = retryAfterMs(response);
      const safe = redacted(options, message);
      throw new RateLimitedError(safe, after === undefined ? {} : { retryAfterMs: after });
    }
    throw readFailed(options, message, {
      providerCode: twilio.code ?? `http-${response.status}`,
      retryable: response.status >= 500,
    });
  }
  if (!json) {
    const type = response.headers.get('content-type') ?? 'no content-type';
    throw readFailed(
      options,
      `Twilio answered HTTP ${response.status} for ${path} with a body that is not JSON (${type})`,
      {
        retryable: true,
      },
    );
  }
  if (!isObj(body))
    throw readFailed(options, `Twilio answered ${path} with JSON that is not an object`, {
      retryable: false,
    });
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
  if (typeof transcriptSid !== 'string' || !/^GT[0-9a-fA-F]{32}$/.test(transcriptSid))
    throw new ValidationError(
      `not a transcript sid (GT + 32 hex): ${JSON.stringify(String(transcriptSid).slice(0, 40))}`,
      { path: 'transcriptSid' },
    );
  const base = (options.intelligenceBaseUrl ?? 'https://intelligence.twilio.com').replace(/\/+$/, '');
  const transcript = await getJson(`${base}/v2/Transcripts/${transcriptSid}`, options);
  const sentences: Obj[] = [];
  let next: string | undefined = `${base}/v2/Transcripts/${transcriptSid}/Sentences?PageSize=1000`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const body = await getJson(next, options);
    // A page without its list is a bad answer, not a silent call: say so rather than store nothing.
    if (!Array.isArray(body.sentences))
      throw readFailed(
        options,
        `Twilio answered ${new URL(next).pathname} (page ${page + 1}) without a \`sentences\` list`,
        { retryable: false },
      );
    for (const s of body.sentences) if (isObj(s)) sentences.push(s);
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
