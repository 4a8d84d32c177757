import { readBodyBytes, WebhookParseError } from '@omnithread/core';
import type { InboundFormPayload, WebhookFile } from './payloads.js';

/** Reads a request body as bytes with a size bound (multipart bodies carry binary attachments). */
export function readBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  return readBodyBytes(request, { maxBytes });
}

/** Decodes a multipart or urlencoded form into fields and files. */
export async function readForm(
  provider: InboundFormPayload['provider'],
  bytes: Uint8Array,
  contentType: string,
): Promise<InboundFormPayload> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new WebhookParseError(`The ${provider} webhook body is not a form`, {
      raw: Buffer.from(bytes).toString('latin1'),
      cause: error,
    });
  }
  const fields: Record<string, string> = {};
  const files: WebhookFile[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value;
    else {
      const file: WebhookFile = {
        field: name,
        contentType: value.type || 'application/octet-stream',
        content: Buffer.from(await value.arrayBuffer()).toString('base64'),
      };
      if (value.name) file.filename = value.name;
      files.push(file);
    }
  }
  return { provider, fields, files };
}
