// Every screen, each loaded when first opened (the first load stays small). Links from WeCom
// cards and messages name these paths: /app/#/callups, /app/#/inspections/12, /app/#/campaigns/3.
import type { RouteRecordRaw } from "vue-router";
import type { Role } from "../auth/session";

declare module "vue-router" {
  interface RouteMeta {
    title?: string;
    public?: boolean;
    roles?: Role[];
    bare?: boolean; // full screen, without the menu (the QR shown to the employer)
    back?: boolean; // a back arrow in the title bar
    wide?: boolean; // the desk's tables: the content area as wide as the screen allows
  }
}

const MANAGERS: Role[] = ["leader", "initiator"];

export const routes: RouteRecordRaw[] = [
  { path: "/login", component: () => import("../views/LoginView.vue"), meta: { public: true, title: "登录" } },
  { path: "/", component: () => import("../views/HomeView.vue"), meta: { title: "工作台" } },
  { path: "/callups", component: () => import("../views/CallUpsView.vue"), meta: { title: "我的召集", roles: ["inspector"] } },
  { path: "/inspections", component: () => import("../views/InspectionsView.vue"), meta: { title: "我的检查", roles: ["inspector"] } },
  { path: "/inspections/:id(\\d+)", component: () => import("../views/InspectionView.vue"), meta: { title: "检查详情", back: true } },
  { path: "/inspections/:id(\\d+)/items/:item(\\d+)", component: () => import("../views/FindingView.vue"), meta: { title: "检查结果", back: true } },
  { path: "/inspections/:id(\\d+)/submit", component: () => import("../views/SubmitView.vue"), meta: { title: "确认并提交", back: true } },
  { path: "/inspections/:id(\\d+)/orders/new", component: () => import("../views/OrderNewView.vue"), meta: { title: "下达限期改正指令", back: true } },
  { path: "/inspections/:id(\\d+)/orders/:order(\\d+)", component: () => import("../views/OrderView.vue"), meta: { title: "限期改正与回访", back: true } },
  { path: "/inspections/:id(\\d+)/notices/new", component: () => import("../views/NoticeNewView.vue"), meta: { title: "签发文书", back: true } },
  { path: "/inspections/:id(\\d+)/notices/:notice(\\d+)", component: () => import("../views/NoticeView.vue"), meta: { title: "出示文书", bare: true } },
  { path: "/inspections/:id(\\d+)/uploads", component: () => import("../views/UploadsView.vue"), meta: { title: "单位上传材料", back: true } },
  { path: "/inspections/:id(\\d+)/penalty", component: () => import("../views/PenaltyView.vue"), meta: { title: "录入处罚决定", back: true, roles: MANAGERS } },
  { path: "/campaigns", component: () => import("../leader/CampaignsView.vue"), meta: { title: "抽查任务", roles: MANAGERS } },
  { path: "/campaigns/:id(\\d+)", component: () => import("../leader/CampaignView.vue"), meta: { title: "任务进度", back: true, roles: MANAGERS } },
  { path: "/campaigns/:id(\\d+)/proposal", component: () => import("../leader/ProposalView.vue"), meta: { title: "自动分配方案", back: true, roles: ["leader"] } },
  { path: "/campaigns/:id(\\d+)/assign", component: () => import("../leader/AssignView.vue"), meta: { title: "分配检查组", back: true, roles: ["leader"] } },
  // The desk (issue 14): the sections' screens, laid out for ≥ 1280 px.
  { path: "/desk/rosters", component: () => import("../desk/RostersView.vue"), meta: { title: "名录导入与导出", roles: ["admin"], wide: true } },
  { path: "/desk/items", component: () => import("../desk/items/ItemsView.vue"), meta: { title: "抽查事项清单", roles: ["admin"], wide: true } },
  { path: "/desk/plans", component: () => import("../desk/plans/PlansView.vue"), meta: { title: "年度抽查计划", roles: ["initiator"], wide: true } },
  { path: "/desk/reports", component: () => import("../desk/reports/ReportsView.vue"), meta: { title: "抽查工作报告", roles: ["initiator"], wide: true } },
  { path: "/desk/blacklist", component: () => import("../desk/blacklist/BlacklistView.vue"), meta: { title: "失信联合惩戒名单", roles: ["initiator", "admin"], wide: true } },
  { path: "/desk/reviews", component: () => import("../desk/ReviewsView.vue"), meta: { title: "复核与审批", roles: ["admin"], wide: true } },
  { path: "/desk/grades", component: () => import("../desk/GradesView.vue"), meta: { title: "守法诚信等级评价审核", roles: ["admin"], wide: true } },
  { path: "/publication", component: () => import("../desk/publication/PublicationsView.vue"), meta: { title: "公示任务", roles: ["admin", "initiator"], wide: true } },
  { path: "/publication/:id(\\d+)", component: () => import("../desk/publication/PublicationView.vue"), meta: { title: "公示任务", back: true, roles: ["admin", "initiator"] } },
  { path: "/desk/statistics", component: () => import("../desk/stats/StatisticsView.vue"), meta: { title: "统计", roles: ["admin", "initiator", "leader"], wide: true } },
  { path: "/desk/audit", component: () => import("../desk/audit/AuditView.vue"), meta: { title: "审计记录", roles: ["admin"], wide: true } },
  { path: "/desk/conflicts", component: () => import("../desk/ConflictsView.vue"), meta: { title: "回避登记", roles: ["admin"], wide: true } },
  { path: "/desk/certificates", component: () => import("../desk/CertificatesView.vue"), meta: { title: "执法证到期", roles: ["admin"], wide: true } },
  { path: "/desk/calendar", component: () => import("../desk/CalendarView.vue"), meta: { title: "工作日调整", roles: ["admin"], wide: true } },
  { path: "/desk/campaigns", component: () => import("../desk/campaigns/CampaignListView.vue"), meta: { title: "抽查任务与实施方案", roles: ["initiator"], wide: true } },
  { path: "/desk/campaigns/new", component: () => import("../desk/campaigns/CampaignWizardView.vue"), meta: { title: "新建抽查任务", back: true, roles: ["initiator"], wide: true } },
  { path: "/desk/campaigns/:id(\\d+)/edit", component: () => import("../desk/campaigns/CampaignWizardView.vue"), meta: { title: "实施方案", back: true, roles: ["initiator"], wide: true } },
  { path: "/desk/draws", component: () => import("../desk/draw/DrawsView.vue"), meta: { title: "随机抽取", roles: ["initiator"], wide: true } },
  { path: "/campaigns/:id(\\d+)/draw", component: () => import("../desk/draw/CeremonyView.vue"), meta: { title: "抽取会", back: true, roles: MANAGERS, wide: true } },
  { path: "/campaigns/:id(\\d+)/draw/projector", component: () => import("../desk/draw/ProjectorView.vue"), meta: { title: "抽取投影", bare: true, roles: MANAGERS } },
  { path: "/sync", component: () => import("../views/SyncView.vue"), meta: { title: "待同步" } },
  { path: "/me", component: () => import("../views/MeView.vue"), meta: { title: "我的" } },
  { path: "/:rest(.*)*", component: () => import("../views/NotFoundView.vue"), meta: { title: "页面不存在" } },
];
