import { describe, expect, it } from 'vitest';
import { extractNewContent } from '../reply/extract.js';
import { baseSubject } from '../threading/subject.js';
import { parseAuthenticationResults } from '../trust/authres.js';
import { decodeEncodedWords, parseAddressList, parseHeaderBlock } from './headers.js';
import { parseIdList } from './ids.js';
import { parseMime } from './parse.js';
import { htmlToText } from './text.js';

// Inputs shaped to make backtracking patterns quadratic or worse. Each call must simply return;
// a catastrophic pattern would run for minutes and trip the test timeout.
const MB = 1_000_000;

describe('hostile inputs finish', () => {
  it('htmlToText', () => {
    expect(htmlToText('<'.repeat(MB))).toBe('<'.repeat(MB));
    expect(htmlToText(`<p>a</p>${'<script>'.repeat(100_000)}`)).toBe('a');
    expect(htmlToText(`x${' '.repeat(MB)}y`)).toBe(`x${' '.repeat(MB)}y`);
    expect(htmlToText('<p>caf&eacute; &amp; &#233;&#x41;</p><style>p{}</style>')).toBe('caf&eacute; & éA');
  });

  it('address lists, headers, encoded words, id lists', () => {
    expect(parseAddressList('('.repeat(MB))).toHaveLength(1);
    expect(parseAddressList(`${'"'.repeat(MB)}<a@b>`).length).toBeLessThanOrEqual(1);
    expect(parseAddressList('"Doe, Jane" <jane@x.org>, bob@y.org (Bob), Team: c@z.org, d@z.org;')).toEqual([
      { name: 'Doe, Jane', address: 'jane@x.org' },
      { address: 'bob@y.org' },
      { address: 'c@z.org' },
      { address: 'd@z.org' },
    ]);
    expect(decodeEncodedWords('=?'.repeat(MB / 2))).toHaveLength(MB);
    expect(decodeEncodedWords('=?UTF-8?B?Q2Fmw6k=?= =?ISO-8859-1?Q?_=E9t=E9?=')).toBe('Café été');
    expect(parseHeaderBlock(`X: ${'a'.repeat(MB)}\r\n\r\nbody`)).toHaveLength(1);
    expect(parseIdList('<'.repeat(MB))).toEqual([]);
  });

  it('subjects, Authentication-Results, reply extraction', () => {
    expect(baseSubject(`${'Re: '.repeat(100)}x`).base).toBe('x');
    expect(baseSubject(`${'Re: '.repeat(100_000)}x`).base.length).toBeLessThan(4096);
    expect(baseSubject(`x${' (fwd)'.repeat(100_000)}`).base.length).toBeLessThanOrEqual(4096);
    expect(baseSubject('['.repeat(MB)).base).toBe('['.repeat(4096));
    expect(baseSubject(`${'[fwd: '.repeat(300)}x${']'.repeat(300)}`)).toEqual({ base: 'x', isReply: true });
    expect(parseAuthenticationResults(`mx; dmarc=pass ${'('.repeat(MB)}`)?.results[0]?.result).toBe('pass');
    const inline = Array.from({ length: 50_000 }, (_, i) => (i % 2 ? '> quoted line' : 'my answer')).join(
      '\n',
    );
    expect(extractNewContent(inline).newText.split('\n')).toHaveLength(25_000);
    const attributions = Array.from({ length: 50_000 }, (_, i) =>
      i % 2 ? '> quoted line' : 'On Mon, Bob wrote:',
    ).join('\n');
    expect(extractNewContent(attributions)).toMatchObject({ newText: '', quoted: attributions });
    expect(extractNewContent(`${'On '.repeat(MB / 3)}\n> x`).quoted).toContain('> x');
    expect(extractNewContent(`${'-'.repeat(MB)}\nx`).newText.length).toBeGreaterThan(0);
  });

  it('deeply nested multiparts are bounded', async () => {
    const depth = 5000;
    let body = 'leaf';
    for (let i = depth; i > 0; i--)
      body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
    const parsed = await parseMime(`From: a@example.org\r\nMessage-ID: <deep@x>\r\n${body}`);
    expect(parsed.messageId).toBe('deep@x');
  });
});
