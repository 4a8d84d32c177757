/**
 * @omnithread/voice — call transcripts as conversation turns: parsers for Twilio, Amazon Transcribe /
 * Call Analytics / Connect Contact Lens, Deepgram, AssemblyAI, Whisper, WebVTT, SRT and a generic JSON
 * form; speaker roles; PII redaction; a signed Twilio webhook adapter; importers for `omnithread import`.
 */
export { createVoiceAdapter, type VoiceAdapterConfig } from './adapter.js';
export { type BuiltTranscript, buildTranscript, normalizeTurns, toVoiceEvent } from './build.js';
export { detectFromHead } from './detect.js';
export {
  detectTranscriptFormat,
  isTranscriptFormat,
  type ParseTranscriptOptions,
  parseCall,
  parseTranscript,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
} from './formats/index.js';
export {
  createVoiceImporters,
  importers,
  MAX_TRANSCRIPT_BYTES,
  type VoiceImporterOptions,
} from './importers.js';
export { luhnValid, type RedactedSpan, redactText } from './redact.js';
export { assignRoles, roleFromWord, speakerName } from './speakers.js';
export {
  type ParsedCall,
  type RawTurn,
  REDACTION_KINDS,
  type RedactionKind,
  type RedactOption,
  type SpeakerMap,
  type TranscriptOptions,
} from './types.js';
export {
  type FetchedTranscript,
  fetchIntelligenceTranscript,
  type IntelligenceClientOptions,
} from './webhook/intelligence.js';
export { parseVoiceWebhook, type WebhookParseOptions } from './webhook/parse.js';
