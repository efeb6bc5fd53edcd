import { createRouter, createWebHashHistory } from "vue-router";
import { rememberTarget, roles, session } from "../auth/session";
import { decide } from "./guard";
import { routes } from "./routes";

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

router.beforeEach((to) => {
  const decision = decide(to, { token: session.token, roles: roles() });
  if (decision !== true && decision.query?.redirect) rememberTarget(decision.query.redirect);
  return decision;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 随机抽查` : "随机抽查";
});
