/**
 * Line patterns for quoted history and signatures. All are anchored and bounded (`.{0,N}`) and run
 * on single lines (or a few joined lines), so matching stays linear on hostile input.
 */

/** Verbs of attribution lines ("On <date>, <who> wrote:") in several languages. */
const WROTE = [
  'wrote',
  'writes',
  'a écrit',
  'a ecrit',
  'schrieb',
  'escribió',
  'escribio',
  'escreveu',
  'ha scritto',
  'schreef',
  'skrev',
  'kirjoitti',
  'napisał\\(a\\)',
  'napisała',
  'napisał',
  'napsal\\(a\\)',
  'napsal',
  'написал\\(а\\)',
  'написала',
  'написал',
  'yazdı',
  '写道',
  'のメッセージ',
  '님이 작성',
].join('|');

/** "On … wrote:" and its translations, on one logical line (Gmail may wrap it over two or three). */
export const ATTRIBUTION = new RegExp(
  `^\\s*(?:>\\s*)?.{0,400}?(?:${WROTE})(?:\\s+\\S{1,40}){0,2}\\s*[:：]?\\s*$`,
  'iu',
);
/** Attribution lines that open with a date marker, so a sentence that merely ends in "wrote" is not cut. */
export const ATTRIBUTION_LEAD =
  /^\s*(?:>\s*)?(?:(?:on|le|am|el|em|il|op|den|dne|w dniu|på)(?=[\s,])|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\s+\p{L}{3,}|\p{L}{2,12},?\s+\d{1,2}|[^\s@<>]{1,64}@[^\s@<>]{1,255}|.{0,120}<[^\s@<>]{1,64}@[^\s@<>]{1,255}>)/iu;

/** "-----Original Message-----" and translations, "----- Forwarded message -----", "Begin forwarded message:". */
export const ORIGINAL_MESSAGE =
  /^\s*(?:-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original|originalmeddelande|alkuperäinen viesti|forwarded message|weitergeleitete nachricht|message transféré)\s*-{2,}|begin forwarded message:|anfang der weitergeleiteten nachricht:)\s*$/iu;

/** The first line of an Outlook header block: "From: …" (and translations), maybe in bold `*From:*`. */
export const HEADER_FROM = /^\s*\*?(?:from|von|de|da|van|från|fra|od|от|寄件者|发件人)\s*:\*?\s*\S/iu;
/** Further lines of such a block: Sent/Date/To/Subject/Cc and translations. */
export const HEADER_FIELD =
  /^\s*\*?(?:sent|date|to|cc|subject|gesendet|datum|an|betreff|envoyé|envoye|à|a|objet|enviado|fecha|para|asunto|inviato|oggetto|verzonden|aan|onderwerp|skickat|till|ämne|wysłano|temat|отправлено|кому|тема)\s*:\*?/iu;

/** A line of underscores or dashes that Outlook puts above its header block. */
export const SEPARATOR = /^\s*(?:_{10,}|-{10,})\s*$/;

/** The signature delimiter "-- " (RFC 3676, tolerant of a lost trailing space), `__` lines, and "-Name" sign-offs. */
export const SIGNATURE_DELIMITER = /^(?:-{2,}\s*|_{2,}\s*|-\p{L}[\p{L} .'-]{0,40})$/u;

/** Closing lines that belong to the signature below them: "Thanks,", "Best regards", "Cheers!". */
export const CLOSING =
  /^\s*(?:thanks|thank you|many thanks|regards|best|best regards|kind regards|warm regards|cheers|sincerely|yours|yours truly|all the best|merci|cordialement|bien à vous|grüße|viele grüße|mit freundlichen grüßen|saludos|un saludo|atentamente|obrigado|obrigada|grazie|cordiali saluti|groeten|met vriendelijke groet)\b.{0,30}$/iu;

/** Mobile sign-offs: "Sent from my iPhone", "Sent from my Samsung Galaxy", "Envoyé de mon iPhone"… */
export const MOBILE_SIGNATURE =
  /^\s*(?:sent from (?:my )?\S(?:[^.!?]{0,60})|sent with \S.{0,80}|get outlook for \S.{0,40}|envoyé de mon \S.{0,40}|von meinem \S.{0,40} gesendet|enviado desde mi \S.{0,40}|inviato da(?:l mio)? \S.{0,40}|verzonden vanaf mijn \S.{0,40}|skickat från min \S.{0,40}|отправлено с \S.{0,40})\s*$/iu;
