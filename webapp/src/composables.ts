// Loading a screen's data: from the network, or, without signal, the last answer kept on the
// phone (then marked as such).
import { onMounted, ref, type Ref } from "vue";
import { useRoute } from "vue-router";
import { api, type Schemas } from "./api";
import { ApiError, NetworkError } from "./api/client";
import { session } from "./auth/session";
import { cachedGet } from "./offline/cache";

export interface Loaded<T> {
  data: Ref<T | null>;
  stale: Ref<boolean>;
  at: Ref<number>;
  error: Ref<unknown>;
  loading: Ref<boolean>;
  load: () => Promise<void>;
}

export function useLoad<T>(key: string | (() => string), fetcher: () => Promise<T>, immediate = true): Loaded<T> {
  const data = ref(null) as Ref<T | null>;
  const stale = ref(false);
  const at = ref(0);
  const error = ref<unknown>(null);
  const loading = ref(false);
  async function load(): Promise<void> {
    loading.value = true;
    try {
      const result = await cachedGet(session.me?.id ?? 0, typeof key === "string" ? key : key(), fetcher);
      data.value = result.data;
      stale.value = result.stale;
      at.value = result.at;
      error.value = null;
    } catch (e) {
      if (!(e instanceof ApiError) && !(e instanceof NetworkError)) console.error(e);
      error.value = e;
    } finally {
      loading.value = false;
    }
  }
  if (immediate) onMounted(load);
  return { data, stale, at, error, loading, load };
}

/** The inspection a screen is about (route parameter `id`), loaded or kept. */
export function useInspection(): Loaded<Schemas["InspectionDetail"]> & { id: number } {
  const id = Number(useRoute().params.id);
  const loaded = useLoad(`/inspections/${id}`,
    () => api.get("/inspections/{inspection_id}", { path: { inspection_id: id } }));
  return { id, ...loaded };
}
