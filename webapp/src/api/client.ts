// The one client of the staff API (/api/v1). Paths, parameters, bodies and answers are typed
// from schema.d.ts, which scripts/api-types.mjs generates from the served OpenAPI document;
// a check fails when the two differ. Errors come back as ApiError (the server's
// problem+json, in Chinese) or NetworkError (no answer at all: no signal, server down).
import type { paths } from "./schema";

export type Method = "get" | "post" | "put" | "patch" | "delete";
type Prefixed = keyof paths;
export type ApiPath = Prefixed extends infer K ? (K extends `/api/v1${infer R}` ? R : never) : never;
export type Op<P extends ApiPath, M extends Method> = paths[`/api/v1${P}`][M];
export type PathsFor<M extends Method> = {
  [P in ApiPath]: Op<P, M> extends undefined ? never : P;
}[ApiPath];

type PathParams<O> = O extends { parameters: { path: infer T } } ? T : never;
type QueryParams<O> = O extends { parameters: { query?: infer T } } ? Exclude<T, undefined> : never;
type BodyOf<RB> = [RB] extends [never] ? never
  : RB extends { content: { "application/json": infer B } } ? B : never;
type JsonBody<O> = O extends { requestBody?: infer RB } ? BodyOf<NonNullable<RB>> : never;
type Responses<O> = O extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : void;
export type Answer<O> = JsonOf<Responses<O>[Extract<keyof Responses<O>, 200 | 201 | 204>]>;

type IfNever<T, Then, Else> = [T] extends [never] ? Then : Else;
export type CallOptions<O> = IfNever<PathParams<O>, { path?: undefined }, { path: PathParams<O> }>
  & IfNever<QueryParams<O>, { query?: undefined }, { query?: QueryParams<O> }>
  & IfNever<JsonBody<O>, { body?: undefined }, { body: JsonBody<O> }>
  & { idempotencyKey?: string; signal?: AbortSignal };

export interface ProblemField {
  field: string;
  message: string;
  code?: string;
}

/** The server answered with an error (problem+json, Chinese `detail`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: ProblemField[] = [],
  ) {
    super(detail);
    this.name = "ApiError";
  }

  /** Worth retrying later unchanged: the server or something in front of it was not ready. */
  get transient(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

/** No answer: no signal, or the server unreachable. The request may or may not have arrived. */
export class NetworkError extends Error {
  constructor(message = "网络不可用") {
    super(message);
    this.name = "NetworkError";
  }
}

export const API_PREFIX = "/api/v1";

export function buildUrl(template: string, path?: Record<string, unknown>,
  query?: Record<string, unknown>): string {
  const filled = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = path?.[name];
    if (value === undefined || value === null || value === "") {
      throw new Error(`missing path parameter ${name} for ${template}`);
    }
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") search.append(key, String(value));
  }
  const qs = search.toString();
  return API_PREFIX + filled + (qs ? `?${qs}` : "");
}

const STATUS_TEXT: Record<number, string> = {
  401: "登录已失效，请重新登录",
  403: "无权进行此操作",
  404: "不存在或无权查看",
  413: "内容过大",
  429: "操作过于频繁，请稍后再试",
};

export async function problemFrom(response: Response): Promise<ApiError> {
  let data: Record<string, unknown> = {};
  try {
    data = await response.json();
  } catch {
    // not JSON (e.g. a proxy's HTML page): fall back to the status
  }
  const detail = typeof data.detail === "string" && data.detail
    ? data.detail
    : STATUS_TEXT[response.status] ?? `服务器暂时无法处理（${response.status}），请稍后重试`;
  const errors = Array.isArray(data.errors) ? (data.errors as ProblemField[]) : [];
  return new ApiError(response.status, typeof data.code === "string" ? data.code : "http_error",
    detail, errors);
}

export interface UploadRequest {
  url: string;
  headers: Record<string, string>;
  form: FormData;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}
export interface RawAnswer {
  status: number;
  text: string;
}
/** Sends a multipart upload; XMLHttpRequest by default, as fetch reports no upload progress. */
export type UploadSender = (request: UploadRequest) => Promise<RawAnswer>;

export const xhrUpload: UploadSender = (request) => new Promise((resolve, reject) => {
  const xhr = new XMLHttpRequest();
  xhr.open("POST", request.url);
  for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
  xhr.upload.onprogress = (event) => {
    if (event.lengthComputable) request.onProgress?.(event.loaded / event.total);
  };
  xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
  xhr.onerror = () => reject(new NetworkError());
  xhr.ontimeout = () => reject(new NetworkError("上传超时"));
  xhr.onabort = () => reject(new NetworkError("上传已取消"));
  request.signal?.addEventListener("abort", () => xhr.abort());
  xhr.send(request.form);
});

export interface ClientOptions {
  token: () => string | null;
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  upload?: UploadSender;
}

export interface UploadOptions {
  path: Record<string, unknown>;
  query?: Record<string, unknown>;
  file: Blob;
  filename: string;
  idempotencyKey?: string;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export type ApiClient = ReturnType<typeof createClient>;

export function createClient(options: ClientOptions) {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const sendUpload = options.upload ?? xhrUpload;

  function headers(extra: Record<string, string> = {}): Record<string, string> {
    const out: Record<string, string> = { Accept: "application/json", ...extra };
    const token = options.token();
    if (token) out.Authorization = `Bearer ${token}`;
    return out;
  }

  async function send(method: string, url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(url, { ...init, method });
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw new NetworkError();
    }
    if (!response.ok) {
      const problem = await problemFrom(response);
      if (problem.status === 401) options.onUnauthorized?.();
      throw problem;
    }
    return response;
  }

  /** A JSON call to a concrete URL (used by the offline queue, whose entries store URLs). */
  async function raw<T = unknown>(method: string, url: string, body?: unknown,
    idempotencyKey?: string, signal?: AbortSignal): Promise<T> {
    const extra: Record<string, string> = {};
    if (body !== undefined) extra["Content-Type"] = "application/json";
    if (idempotencyKey) extra["Idempotency-Key"] = idempotencyKey;
    const response = await send(method.toUpperCase(), url, {
      headers: headers(extra),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  function call<M extends Method, P extends PathsFor<M>>(method: M, path: P,
    opts: CallOptions<Op<P, M>>): Promise<Answer<Op<P, M>>> {
    const o = opts as { path?: Record<string, unknown>; query?: Record<string, unknown>;
      body?: unknown; idempotencyKey?: string; signal?: AbortSignal };
    return raw(method, buildUrl(path, o.path, o.query), o.body, o.idempotencyKey, o.signal);
  }

  /** A multipart upload to a concrete URL, with progress. */
  async function uploadRaw<T = unknown>(url: string, file: Blob, filename: string,
    idempotencyKey?: string, onProgress?: (fraction: number) => void,
    signal?: AbortSignal): Promise<T> {
    const form = new FormData();
    form.append("file", file, filename);
    const extra: Record<string, string> = {};
    if (idempotencyKey) extra["Idempotency-Key"] = idempotencyKey;
    const answer = await sendUpload({ url, headers: headers(extra), form, onProgress, signal });
    if (answer.status < 200 || answer.status >= 300) {
      const problem = await problemFrom(new Response(answer.text, { status: answer.status }));
      if (problem.status === 401) options.onUnauthorized?.();
      throw problem;
    }
    onProgress?.(1);
    return (answer.text ? JSON.parse(answer.text) : undefined) as T;
  }

  return {
    raw,
    uploadRaw,
    get: <P extends PathsFor<"get">>(path: P, opts: CallOptions<Op<P, "get">>) =>
      call("get", path, opts),
    post: <P extends PathsFor<"post">>(path: P, opts: CallOptions<Op<P, "post">>) =>
      call("post", path, opts),
    put: <P extends PathsFor<"put">>(path: P, opts: CallOptions<Op<P, "put">>) =>
      call("put", path, opts),
    patch: <P extends PathsFor<"patch">>(path: P, opts: CallOptions<Op<P, "patch">>) =>
      call("patch", path, opts),
    del: <P extends PathsFor<"delete">>(path: P, opts: CallOptions<Op<P, "delete">>) =>
      call("delete", path, opts),
    /** A binary answer (PDF, PNG, photo) as a Blob; <img src> cannot carry the bearer token. */
    async blob<P extends PathsFor<"get">>(path: P, opts: CallOptions<Op<P, "get">>): Promise<Blob> {
      const o = opts as { path?: Record<string, unknown>; query?: Record<string, unknown> };
      const response = await send("GET", buildUrl(path, o.path, o.query), { headers: headers() });
      return response.blob();
    },
    url: buildUrl,
  };
}
