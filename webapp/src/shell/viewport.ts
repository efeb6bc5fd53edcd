// Phone or desk: the desk layout (side menu) from 1280 px wide, the phone layout (bottom bar)
// below.
import { ref } from "vue";

export const DESK_MIN_WIDTH = 1280;
const query = typeof window !== "undefined" && window.matchMedia
  ? window.matchMedia(`(min-width: ${DESK_MIN_WIDTH}px)`) : null;

export const isDesk = ref(query?.matches ?? false);
query?.addEventListener("change", (e) => {
  isDesk.value = e.matches;
});
