import { createApp } from "vue";
import App from "./App.vue";
import "./styles.css";
import { api } from "./api";
import { finishWeComLogin } from "./auth/login";
import { session, setMe } from "./auth/session";
import { startSync } from "./offline";
import { router } from "./router";
import { notifyError } from "./ui";

async function boot(): Promise<void> {
  try {
    const next = await finishWeComLogin();
    if (next) await router.replace(next);
  } catch (error) {
    notifyError(error);
  }
  if (session.token) {
    // Roles may have changed since the last visit; without signal the kept ones serve.
    api.get("/me", {}).then(setMe).catch(() => undefined);
  }
  startSync();
  createApp(App).use(router).mount("#app");
  if (import.meta.env.PROD && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch(() => undefined);
  }
}

void boot();
