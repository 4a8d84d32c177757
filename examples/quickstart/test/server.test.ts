import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { twilioSignature } from '@omnithread/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The quickstart as a user runs it (tsx src/index.ts), on a free port of 127.0.0.1.
const here = new URL('../', import.meta.url);
const tsx = createRequire(new URL('package.json', here)).resolve('tsx/cli');
const TOKEN = 'quickstart-test-token';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Sends raw bytes (fetch cannot send a malformed Host) and returns the status line. */
const rawRequest = (port: number, text: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk;
    });
    socket.on('end', () => resolve(reply.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });

describe('the quickstart server', () => {
  let server: ChildProcess;
  let port: number;
  let output = '';
  beforeAll(async () => {
    port = await freePort();
    server = spawn(process.execPath, [tsx, 'src/index.ts'], {
      cwd: fileURLToPath(here),
      env: {
        ...process.env,
        PORT: String(port),
        TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
        TWILIO_AUTH_TOKEN: TOKEN,
        TWILIO_FROM: '+18005550199',
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Twilio webhook:')) resolve();
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.on('exit', (code) => reject(new Error(`quickstart exited (${code}): ${output}`)));
    });
  });
  afterAll(() => {
    server?.kill();
  });

  it('answers a malformed Host with 400 and keeps serving; a signed SMS is threaded', async () => {
    const status = await rawRequest(
      port,
      'POST /webhooks/sms HTTP/1.1\r\nHost: a b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
    expect(status).toBe('HTTP/1.1 400 Bad Request');
    expect(server.exitCode).toBeNull();

    const url = `http://127.0.0.1:${port}/webhooks/sms`;
    const params = {
      MessageSid: 'SM00000000000000000000000000000001',
      AccountSid: 'AC00000000000000000000000000000000',
      From: '+14155550100',
      To: '+18005550199',
      Body: 'Where is my order?',
      NumMedia: '0',
    };
    const unsigned = await fetch(url, { method: 'POST', body: new URLSearchParams(params) });
    expect(unsigned.status).toBe(401);
    const signed = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams(params),
      headers: { 'x-twilio-signature': twilioSignature(TOKEN, url, params) },
    });
    expect(signed.status).toBe(200);
    await expect.poll(() => output).toContain('+14155550100: Where is my order?');
  });
});
