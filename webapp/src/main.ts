import { createApp } from "vue";
import App from "./App.vue";
import "./styles.css";
import { api } from "./api";
import { finishWeComLogin } from "./auth/login";
import { session, setMe, signIn, takeTarget, type Me } from "./auth/session";
import { startSync } from "./offline";
import { router } from "./router";
import { afterLogin } from "./router/guard";
import { notifyError } from "./ui";

/** The app's style sheets, loaded without blocking index.html's first screen (build/boot.ts):
 * turned on once loaded, just before the app replaces that screen. */
async function stylesReady(): Promise<void> {
  const links = Array.from(document.querySelectorAll<HTMLLinkElement>("link[data-suiji-css]"));
  await Promise.all(links.map((link) => link.sheet ? undefined : new Promise<void>((resolve) => {
    link.addEventListener("load", () => resolve(), { once: true });
    link.addEventListener("error", () => resolve(), { once: true });
  })));
  for (const link of links) link.media = "all";
}

/** A login made on index.html's first screen before the app arrived (src/boot/), if any. */
async function bootLogin(): Promise<boolean> {
  const pending = window.suijiBoot?.login;
  if (!pending) return false;
  window.suijiBoot = {};
  const answer = await pending.catch(() => null);
  if (!answer) return false;
  signIn(answer.token, answer.staff as Me);
  return true;
}

async function boot(): Promise<void> {
  try {
    const next = await finishWeComLogin();
    if (next) await router.replace(next);
  } catch (error) {
    notifyError(error);
  }
  await stylesReady();
  await bootLogin();
  if (session.token) {
    // Roles may have changed since the last visit; without signal the kept ones serve.
    api.get("/me", {}).then(setMe).catch(() => undefined);
  }
  startSync();
  const app = createApp(App).use(router);
  // The first screen of index.html stays until the app's own is ready to replace it.
  await router.isReady().catch(() => undefined);
  if (await bootLogin()) {
    await router.replace(afterLogin(router.currentRoute.value.query.redirect, takeTarget()));
  }
  app.mount("#app");
  if (import.meta.env.PROD && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch(() => undefined);
  }
}

void boot();
