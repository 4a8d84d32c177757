import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMime } from '../mime/parse.js';
import { extractNewContent } from './extract.js';

const fixtures = new URL('../../../../../shared/fixtures/email/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, fixtures), 'utf8');
const erp = (name: string) => extractNewContent(read(`email_reply_parser/${name}.txt`));

// Expectations restated from github/email_reply_parser's own test file (test/email_reply_parser_test.rb):
// `parse_reply(body)` is the visible text, i.e. our newText.
describe('email_reply_parser fixtures', () => {
  it.each([
    ['email_2_1', 'Outlook with a reply'],
    ['email_2_2', 'Outlook with a reply directly above line'],
    ['email_iPhone', 'Here is another email'],
    ['email_BlackBerry', 'Here is another email'],
    ['email_multi_word_sent_from_my_mobile_device', 'Here is another email'],
    [
      'email_sent_from_my_not_signature',
      'Here is another email\n\nSent from my desk, is much easier then my mobile phone.',
    ],
    [
      'email_bullets',
      'test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n   - how about bullets\n   - and another',
    ],
  ])('%s', (name, expected) => {
    expect(erp(name).newText).toBe(expected);
  });

  // The fixture keeps a trailing space after "after"; the text is never rewritten.
  it('email_1_1: keeps the body, splits the "-Abhishek Kona" signature off', () => {
    const r = erp('email_1_1');
    expect(r.newText).toBe(
      'Hi folks\n\nWhat is the best way to clear a Riak bucket of all key, values after \nrunning a test?\nI am currently using the Java HTTP API.',
    );
    expect(r.signature).toMatch(/^-Abhishek Kona/);
    expect(r.quoted).toBe('');
  });

  it('email_1_3 (top post): new text, signature, then the "On … wrote:" history', () => {
    const r = erp('email_1_3');
    expect(r.newText).toMatch(/^Oh thanks\.\n\nHaving/);
    expect(r.signature).toMatch(/^-A/);
    expect(r.quoted).toMatch(/^On [^:]+:/);
  });

  it.each([
    ['email_1_4', /^Awesome/, /Loader/],
    ['email_1_6', /^I get/, /Was this/],
    ['email_1_7', /:\+1:/, /Steps 0-2/],
  ])('%s: the quote header and what follows are history', (name, fresh, history) => {
    const r = erp(name);
    expect(r.newText).toMatch(fresh);
    expect(r.quoted).toMatch(/^On/);
    expect(r.quoted).toMatch(history);
    expect(r.newText).not.toMatch(history);
  });

  it('correct_sig: "-- " starts the signature', () => {
    const r = erp('correct_sig');
    expect(r.signature).toMatch(/^-- \nrick/);
    expect(r.newText).not.toContain('rick');
  });

  it('email_one_is_not_on: "One outstanding question" is new text, "On Oct 1, 2012" starts history', () => {
    const r = erp('email_one_is_not_on');
    expect(r.newText).toMatch(/One outstanding question/);
    expect(r.quoted).toMatch(/^On Oct 1, 2012/);
  });

  it('email_1_2 (bottom post): the inline answers are kept, the quotes go', () => {
    const r = erp('email_1_2');
    expect(r.newText).toMatch(/^Hi,/);
    expect(r.newText).toMatch(/You can list/);
    expect(r.newText).not.toMatch(/^>/m);
  });

  it('pathological and long inputs finish and keep everything', () => {
    for (const name of [
      'pathological',
      'email_long_quote',
      'greedy_on',
      'email_sig_delimiter_in_middle_of_line',
    ]) {
      const text = read(`email_reply_parser/${name}.txt`);
      const r = extractNewContent(text);
      expect(r.newText.length + r.quoted.length + r.signature.length).toBeGreaterThan(0);
    }
    expect(extractNewContent(`${'a'.repeat(100_000)} wrote`).newText).toHaveLength(100_006);
    expect(extractNewContent('On '.repeat(50_000)).newText.length).toBeGreaterThan(0);
  });
});

// mailgun/talon's tests/text_quotations_test.py `test_standard_replies`: the text/plain part of each
// standard reply must reduce to the `<name>_reply_text` file, or to "Hello" when there is none.
// talon keeps signatures in that test; we split them off, so newText + signature are compared.
describe('talon standard replies', () => {
  const names = [
    'android',
    'aol',
    'apple_mail',
    'apple_mail_2',
    'comcast',
    'gmail',
    'hotmail',
    'iphone',
    'outlook',
    'sparrow',
    'yahoo',
  ];
  it.each(names)('%s', async (name) => {
    const parsed = await parseMime(readFileSync(new URL(`talon/standard_replies/${name}.eml`, fixtures)));
    const r = extractNewContent(parsed.text ?? '');
    let expected = 'Hello';
    try {
      expected = read(`talon/standard_replies/${name}_reply_text`).trim();
    } catch {}
    const combined = [r.newText, r.signature].filter(Boolean).join('\n\n');
    expect(combined.replace(/[ \t]+$/gm, '')).toBe(expected.replace(/[ \t]+$/gm, ''));
    expect(r.newText.trim()).toBe('Hello');
  });
  // thunderbird.eml is format=flowed with a trailing space on a quoted line; postal-mime joins the
  // quoted line with the reply below it ("> Hi Hello"), so the reply is inside the quote there.
  it('thunderbird (format=flowed joined by the MIME parser) keeps the text somewhere', async () => {
    const parsed = await parseMime(readFileSync(new URL('talon/standard_replies/thunderbird.eml', fixtures)));
    const r = extractNewContent(parsed.text ?? '');
    expect(`${r.newText}\n${r.quoted}`).toContain('Hello');
  });
});

describe('localized and client-specific markers', () => {
  it.each([
    ['Le lun. 2 mars 2026 à 10:00, Bob <bob@x.org> a écrit :', 'fr'],
    ['Am 02.03.2026 um 10:00 schrieb Bob <bob@x.org>:', 'de'],
    ['El lun, 2 mar 2026 a las 10:00, Bob (<bob@x.org>) escribió:', 'es'],
    ['Em seg., 2 de mar. de 2026 às 10:00, Bob <bob@x.org> escreveu:', 'pt'],
    ['Il giorno lun 2 mar 2026 alle ore 10:00 Bob <bob@x.org> ha scritto:', 'it'],
    ['Op ma 2 mrt 2026 om 10:00 schreef Bob <bob@x.org>:', 'nl'],
    ['2 марта 2026 г., в 10:00, Bob <bob@x.org> написал(а):', 'ru'],
    ['On 2 Mar 2026, at 10:00, Bob <bob@x.org> wrote:', 'apple'],
  ])('%s (%s)', (attribution) => {
    const r = extractNewContent(`Merci !\n\n${attribution}\n\n> Bonjour\n> Ligne 2\n`);
    expect(r.newText).toBe('Merci !');
    expect(r.quoted.startsWith(attribution)).toBe(true);
  });

  it('cuts an Outlook header block and a forwarded message', () => {
    const outlook =
      'Yes please.\n\n________________________________\nFrom: Shop <help@shop.test>\nSent: Monday, March 2, 2026 10:00 AM\nTo: Ann\nSubject: Order\n\nYour order…';
    expect(extractNewContent(outlook)).toMatchObject({
      newText: 'Yes please.',
      quoted: expect.stringMatching(/^_{10,}\nFrom: Shop/),
    });
    const german =
      'Ja.\n\nVon: Shop <help@shop.test>\nGesendet: Montag, 2. März 2026 10:00\nAn: Ann\nBetreff: Bestellung\n\nText';
    expect(extractNewContent(german).newText).toBe('Ja.');
    const original = 'Thanks\n\n-----Original Message-----\nFrom: a@b.c\n\nold';
    expect(extractNewContent(original).newText).toBe('Thanks');
  });

  it('does not cut prose that mentions "wrote" or starts with "On"', () => {
    const prose = 'On Friday I tried again.\nMy colleague wrote a script for it.\n\nThanks';
    expect(extractNewContent(prose)).toEqual({ newText: prose, quoted: '', signature: '' });
  });

  it('splits mobile sign-offs in several languages', () => {
    expect(extractNewContent('Ok\n\nEnvoyé de mon iPhone')).toEqual({
      newText: 'Ok',
      quoted: '',
      signature: 'Envoyé de mon iPhone',
    });
    expect(extractNewContent('Ok\n\nVon meinem iPhone gesendet').signature).toBe(
      'Von meinem iPhone gesendet',
    );
    expect(extractNewContent('Ok\n\nGet Outlook for Android').signature).toBe('Get Outlook for Android');
  });
});

// mailgun/talon's signature fixtures (tests/fixtures/signature/emails/stripped): `<name>_body` with
// the sender in `<name>_sender` must split into the body and exactly `<name>_signature`.
describe('talon signature fixtures', () => {
  const names = ['camel_case', 'jeff', 'johndoeexamplecom', 'long', 'short_url', 'sparse'];
  it.each(names)('%s', (name) => {
    const body = read(`talon/signature/emails/stripped/${name}_body`);
    const sender = read(`talon/signature/emails/stripped/${name}_sender`).trim();
    const expected = read(`talon/signature/emails/stripped/${name}_signature`).trim();
    const r = extractNewContent(body, { sender });
    expect(r.signature).toBe(expected);
    expect(r.newText).toBe(
      body
        .trim()
        .slice(0, body.trim().length - expected.length)
        .trim(),
    );
  });

  it('a sentence that mentions the sender is not a signature', () => {
    const text = 'Hi,\n\nMy name is Jim Smith and I had a question.\n\nWhat do you do?';
    expect(extractNewContent(text, { sender: 'Jim Smith <john.smith@gmail.com>' }).signature).toBe('');
    expect(
      extractNewContent('Hi,\n\nMy email is john.smith@gmail.com.\n\nWhat do you do?', {
        sender: 'john.smith@gmail.com',
      }).signature,
    ).toBe('');
  });
});
