"""Credit linkage and reports (R6, R12, R18, R19, R23).

integrity  — the integrity file (守法诚信档案) computed from the records that prove each fact
ledger     — the append-only CreditEvent ledger (the export's cursor) and its sync from records
grading    — annual grading under 人社部规〔2016〕1号: propose, review, take effect
blacklist  — 拖欠农民工工资失信联合惩戒对象名单: notice, hearing, decision, term, removal
export     — incremental feed for the regional credit-sharing platform, keyed by USCC
reports    — the campaign report (R19): figures, PDF, XLSX, chase, archive
statistics — numbers for leaders per campaign and per year
"""
