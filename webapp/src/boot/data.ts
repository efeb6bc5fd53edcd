// The data the server puts into index.html for its first screen (suiji/webapp.py): read by the
// boot script (first-screen.ts) and by the login screen, which then asks the server nothing.
import type { DevUserLike } from "../auth/devusers";

export interface BootData {
  /** The demo staff members (development), or null where development login does not exist. */
  dev_users: DevUserLike[] | null;
}

export function readBootData(doc: Document = document): BootData | null {
  const block = doc.getElementById("suiji-boot");
  if (!block?.textContent) return null;
  try {
    const data = JSON.parse(block.textContent) as Partial<BootData>;
    return { dev_users: Array.isArray(data.dev_users) ? data.dev_users : null };
  } catch {
    return null;
  }
}
