import type { TranscriptFormat } from './formats/index.js';
import { looksLikeSrt } from './formats/srt.js';
import { looksLikeVtt } from './formats/vtt.js';

/**
 * Which transcript format a file is, from its name and first bytes only (`--format auto`). A JSON
 * file's head may stop mid-document, so this looks for each format's tell-tale keys, most specific
 * first; it answers at most one format, so importers never both claim a file.
 */
export function detectFromHead(path: string, head: Uint8Array | string): TranscriptFormat | undefined {
  const text = (typeof head === 'string' ? head : new TextDecoder().decode(head)).replace(/^\uFEFF/, '');
  const lower = path.toLowerCase();
  if (looksLikeVtt(text)) return 'vtt';
  if (looksLikeSrt(text) || (lower.endsWith('.srt') && text.includes('-->'))) return 'srt';
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  if (/"turns"\s*:\s*\[/.test(text) && !/"sentence_index"|"results"\s*:/.test(text)) return 'voice-json';
  if (/"sentence_index"|"media_channel"|"TranscriptionText"|"transcript_sid"/.test(text))
    return 'twilio-transcript';
  if (/"request_id"|"model_info"|"transaction_key"/.test(text) && /"metadata"|"results"/.test(text))
    return 'deepgram';
  if (/"acoustic_model"|"language_model"|"audio_url"/.test(text)) return 'assemblyai';
  if (
    /"jobName"|"JobName"|"CustomerMetadata"|"ContentMetadata"|"ConversationCharacteristics"|"ParticipantRole"|"BeginOffsetMillis"|"speaker_labels"|"audio_segments"/.test(
      text,
    )
  ) {
    return 'aws-transcribe';
  }
  if (/"segments"\s*:\s*\[/.test(text) || /^\{\s*"text"\s*:/.test(trimmed)) return 'whisper';
  return undefined;
}
