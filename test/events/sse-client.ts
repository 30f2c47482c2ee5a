import { ClientRequest, IncomingMessage, request } from 'node:http';

export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * A minimal Server-Sent Events reader over node:http (the WHATWG parsing rules for the fields the service sends:
 * `id`, `event`, `data`, comments), so tests see exactly the bytes on the wire. `pause()` stops reading the
 * socket, which is how a slow consumer looks to the server.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  body = '';
  closed = false;
  private res?: IncomingMessage;
  private req?: ClientRequest;
  private buffer = '';

  static connect(url: string, headers: Record<string, string>): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
        client.res = res;
        client.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('close', () => (client.closed = true));
        res.on('error', () => (client.closed = true));
        // Errors answer with a body and end; a stream answers 200 and stays open.
        if (client.status !== 200) res.on('end', () => resolve(client));
        else resolve(client);
      });
      // The socket's close, which also fires while the response is paused (a slow consumer being cut).
      client.req.on('socket', (socket) => socket.on('close', () => (client.closed = true)));
      client.req.on('error', reject);
      client.req.end();
    });
  }

  /** Events other than the service's own `end`. */
  get events(): Array<{ id?: string; type: string; data: Record<string, unknown> }> {
    return this.messages
      .filter((m) => m.event !== 'end')
      .map((m) => ({ id: m.id, type: m.event, data: JSON.parse(m.data) as Record<string, unknown> }));
  }

  get endReason(): string | undefined {
    const end = this.messages.find((m) => m.event === 'end');
    return end ? (JSON.parse(end.data) as { reason: string }).reason : undefined;
  }

  pause(): void {
    this.res?.pause();
  }

  resume(): void {
    this.res?.resume();
  }

  close(): void {
    this.req?.destroy();
    this.res?.destroy();
  }

  private feed(chunk: string): void {
    if (this.status !== 200) {
      this.body += chunk;
      return;
    }
    this.buffer += chunk;
    let at: number;
    while ((at = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      const message: SseMessage = { event: 'message', data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'id') message.id = value;
        else if (name === 'event') message.event = value;
        else if (name === 'data') {
          message.data += (hasData ? '\n' : '') + value;
          hasData = true;
        }
      }
      if (hasData) this.messages.push(message);
    }
  }
}
