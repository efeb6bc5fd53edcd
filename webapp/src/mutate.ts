// Online-only changes (leader's work, penalty decisions): each form keeps one Idempotency-Key
// until its request succeeds, so pressing again after a lost answer does not act twice.
import { ref } from "vue";
import { newIdempotencyKey } from "./offline/queue";
import { notifyError } from "./ui";

export function useMutation() {
  let key = newIdempotencyKey();
  const busy = ref(false);
  async function run<T>(call: (key: string) => Promise<T>): Promise<T | null> {
    busy.value = true;
    try {
      const result = await call(key);
      key = newIdempotencyKey();
      return result;
    } catch (error) {
      notifyError(error);
      return null;
    } finally {
      busy.value = false;
    }
  }
  return { busy, run };
}
