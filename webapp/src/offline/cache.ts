// The last answer of each screen's GET, per staff member, so a screen opened without signal
// shows what was seen last (marked as such) instead of nothing.
import { NetworkError } from "../api/client";
import * as db from "./db";

export interface Cached<T> {
  data: T;
  stale: boolean; // true: from the phone, the network did not answer
  at: number; // when it was fetched (ms)
}

interface Row {
  key: string;
  data: unknown;
  at: number;
}

export async function cachedGet<T>(owner: number, url: string, fetcher: () => Promise<T>): Promise<Cached<T>> {
  const key = `${owner}:${url}`;
  try {
    const data = await fetcher();
    const at = Date.now();
    await db.put("cache", { key, data, at } satisfies Row).catch(() => undefined);
    return { data, stale: false, at };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const row = await db.get<Row>("cache", key).catch(() => undefined);
    if (!row) throw error;
    return { data: row.data as T, stale: true, at: row.at };
  }
}
