// The app's instance of the API client, bound to the session.
import { expire, session } from "../auth/session";
import { createClient } from "./client";
import type { components } from "./schema";

export type Schemas = components["schemas"];
export { ApiError, NetworkError } from "./client";

export const api = createClient({
  token: () => session.token,
  onUnauthorized: expire,
});
