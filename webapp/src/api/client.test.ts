import { describe, expect, it, vi } from "vitest";
import { ApiError, buildUrl, createClient, NetworkError, type UploadRequest } from "./client";

function answer(status: number, body: unknown, type = "application/json"): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

describe("API client", () => {
  it("fills path parameters and drops empty query values", () => {
    expect(buildUrl("/inspections/{inspection_id}", { inspection_id: 12 })).toBe("/api/v1/inspections/12");
    expect(buildUrl("/inspections", undefined, { page: 2, state: "", window_from: undefined }))
      .toBe("/api/v1/inspections?page=2");
    expect(() => buildUrl("/inspections/{inspection_id}", {})).toThrow(/inspection_id/);
  });

  it("sends the bearer token, the JSON body and the Idempotency-Key", async () => {
    const fetch = vi.fn(async () => answer(200, { id: 3, state: "checked_in" }));
    const api = createClient({ token: () => "7.secret", fetch });
    const out = await api.post("/inspections/{inspection_id}/check-in", {
      path: { inspection_id: 3 }, body: { lat: 29.7, lng: 107.4, note: "" }, idempotencyKey: "k-1" });
    expect(out).toEqual({ id: 3, state: "checked_in" });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/inspections/3/check-in");
    expect(init.method).toBe("POST");
    const headers = init.headers as Record<string, string>;
    expect(headers.Authorization).toBe("Bearer 7.secret");
    expect(headers["Idempotency-Key"]).toBe("k-1");
    expect(headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(init.body as string)).toEqual({ lat: 29.7, lng: 107.4, note: "" });
  });

  it("turns problem+json into ApiError with the Chinese detail and field errors", async () => {
    const problem = { status: 422, code: "validation_failed", detail: "输入有误，请按提示修改后重试",
      errors: [{ field: "working_days", message: "须为整数", code: "int_type" }] };
    const api = createClient({ token: () => null, fetch: async () => answer(422, problem, "application/problem+json") });
    const error = await api.post("/inspections/{inspection_id}/rectification-orders", {
      path: { inspection_id: 1 }, body: { finding_ids: [1], requirements: "x", working_days: 1 } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.code).toBe("validation_failed");
    expect(error.errors[0].message).toBe("须为整数");
    expect(error.transient).toBe(false);
  });

  it("reports a proxy's HTML error page in plain words, as transient", async () => {
    const api = createClient({ token: () => null, fetch: async () => new Response("<html>bad gateway</html>", { status: 502 }) });
    const error = await api.get("/me", {}).catch((e) => e);
    expect(error.detail).toContain("502");
    expect(error.transient).toBe(true);
  });

  it("calls back on 401 so the app can ask for login", async () => {
    const onUnauthorized = vi.fn();
    const api = createClient({ token: () => "x", onUnauthorized,
      fetch: async () => answer(401, { status: 401, code: "unauthenticated", detail: "请先在企业微信中登录" }) });
    await expect(api.get("/me", {})).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("reports no answer at all as NetworkError", async () => {
    const api = createClient({ token: () => null, fetch: async () => { throw new TypeError("Failed to fetch"); } });
    await expect(api.get("/me", {})).rejects.toBeInstanceOf(NetworkError);
  });

  it("answers 204 with nothing", async () => {
    const api = createClient({ token: () => "x", fetch: async () => new Response(null, { status: 204 }) });
    expect(await api.post("/auth/logout", {})).toBeUndefined();
  });

  it("uploads a file as multipart with the key, reporting progress and refusals", async () => {
    const seen: UploadRequest[] = [];
    const progress: number[] = [];
    let status = 201;
    const api = createClient({
      token: () => "x",
      upload: async (request) => {
        seen.push(request);
        request.onProgress?.(0.5);
        return status === 201
          ? { status, text: JSON.stringify({ id: 9 }) }
          : { status, text: JSON.stringify({ status, code: "file_too_large", detail: "文件过大" }) };
      },
    });
    const blob = new Blob([new Uint8Array(10)], { type: "image/jpeg" });
    const out = await api.uploadRaw("/api/v1/inspections/1/evidence?finding_id=4", blob, "a.jpg", "k-2",
      (f) => progress.push(f));
    expect(out).toEqual({ id: 9 });
    expect(seen[0].headers["Idempotency-Key"]).toBe("k-2");
    expect((seen[0].form.get("file") as File).name).toBe("a.jpg");
    expect(progress).toEqual([0.5, 1]);
    status = 413;
    const error = (await api.uploadRaw("/api/v1/x", blob, "a.jpg").catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("file_too_large");
  });
});
