/**
 * What a request answers, as every provider reads it. A subset of the Web `Response`, so that a
 * test's fake fetch (and undici's, behind a proxy) can answer with a real `Response`, while the
 * default transport (src/sources/transport.ts) answers with its own objects: constructing a
 * `Response` loads Node's fetch machinery, about 45 ms of a run that downloads anything.
 */

/** Header look-up: names in any case; repeated headers joined with ", " as fetch joins them. */
export interface AnswerHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

/** A body read piece by piece; `cancel` releases the connection without reading the rest. */
export interface AnswerBody extends AsyncIterable<Uint8Array> {
  cancel(): Promise<void>;
}

export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: AnswerHeaders;
  readonly body: AnswerBody | null;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** Headers as they came on the wire: name, value, name, value (Node's `rawHeaders`). */
export class RawHeaders implements AnswerHeaders {
  constructor(private readonly raw: readonly string[]) {}

  get(name: string): string | null {
    const wanted = name.toLowerCase();
    let found: string | null = null;
    for (let i = 0; i + 1 < this.raw.length; i += 2) {
      if ((this.raw[i] as string).toLowerCase() !== wanted) continue;
      const value = this.raw[i + 1] as string;
      found = found === null ? value : `${found}, ${value}`;
    }
    return found;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (let i = 0; i + 1 < this.raw.length; i += 2) callback(this.raw[i + 1] as string, (this.raw[i] as string).toLowerCase());
  }
}

const EMPTY_HEADERS = new RawHeaders([]);

function bodyOfBytes(bytes: Uint8Array): AnswerBody {
  return {
    async *[Symbol.asyncIterator]() {
      if (bytes.length > 0) yield bytes;
    },
    cancel: () => Promise.resolve(),
  };
}

/** An answer whose body has been read whole (or that has none): what retryingFetch hands back. */
export class BufferedAnswer implements HttpAnswer {
  readonly body: AnswerBody | null;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: AnswerHeaders = EMPTY_HEADERS,
    private readonly bytes: Uint8Array | null = null,
  ) {
    this.body = bytes === null ? null : bodyOfBytes(bytes);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** The body's bytes, without a copy (empty when there is none). */
  get content(): Uint8Array {
    return this.bytes ?? new Uint8Array(0);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.content;
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }

  text(): Promise<string> {
    return Promise.resolve(new TextDecoder().decode(this.content));
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

/** The answer as a Web `Response`, for a library that wants one (yahoo-finance2). */
export async function toWebResponse(answer: HttpAnswer): Promise<Response> {
  if (answer instanceof Response) return answer;
  const headers = new Headers();
  answer.headers.forEach((value, name) => headers.append(name, value));
  const nullBody = answer.status === 204 || answer.status === 205 || answer.status === 304;
  const bytes = nullBody ? null : answer instanceof BufferedAnswer ? answer.content : new Uint8Array(await answer.arrayBuffer());
  return new Response(bytes, { status: answer.status, statusText: answer.statusText, headers });
}
