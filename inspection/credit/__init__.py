"""Credit linkage and reports (R6, R12, R18, R19, R23).

integrity  — the integrity file (守法诚信档案) computed from the records that prove each fact
ledger     — the append-only CreditEvent ledger (the export's cursor) and its sync from records
grading    — annual grading under 人社部规〔2016〕1号: propose, review, take effect
blacklist  — 拖欠农民工工资失信联合惩戒对象名单: notice, hearing, decision, term, removal
major      — 重大劳动保障违法行为社会公布 (人社部令第29号): cases, quarterly publication
export     — incremental feed for the regional credit-sharing platform, keyed by USCC
reports    — the campaign report (R19): due date, chase, generate, archive
figures    — the report's figures, counted from the rows
narrative  — the report's five sections written from its figures
render     — the report as PDF and XLSX
statistics — numbers for leaders per campaign and per year
access     — who may read statistics and integrity files over the staff API
fact_reviews — a second person's review of weighty facts recorded by hand, before export

Adapters import from here only: the modules in `__all__` are this part's public surface.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.credit import (
        access,
        blacklist,
        export,
        fact_reviews,
        figures,
        grading,
        integrity,
        ledger,
        major,
        major_quarters,
        narrative,
        render,
        reports,
        statistics,
        timers,
    )

__all__ = ['access', 'blacklist', 'export', 'fact_reviews', 'figures', 'grading', 'integrity', 'ledger', 'major', 'major_quarters', 'narrative', 'render', 'reports', 'statistics', 'timers']
