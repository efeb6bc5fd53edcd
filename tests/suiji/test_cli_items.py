"""`suiji items ...`: amend, publish and withdraw from the command line (R7)."""

from inspection.items import catalogue as items
from models.enums import PublicationKind
from models.publication import Publication
from tests.inspection.items.test_catalogue import ITEM_HEADERS, item_rows
from tests.inspection.rosters.test_employers import to_csv
from tests.suiji.cli_helpers import run_cli


async def test_import_publish_amend_withdraw(settings, tmp_path):
    sheet = tmp_path / "事项.csv"
    sheet.write_bytes(to_csv(["事项编码", *ITEM_HEADERS], [["LD-0" + str(i), *r]
                                                         for i, r in enumerate(item_rows())]))
    r = run_cli(settings, tmp_path, "import", "items", str(sheet), "--publish")
    assert r.returncode == 0 and "新增 2" in r.stdout and "公布 2" in r.stdout, r.stderr

    r = run_cli(settings, tmp_path, "items", "amend", "LD-01", "--reason", "条例修订",
                "--effective", "2020-01-01", "--method", "实地检查、书面审查")
    assert r.returncode == 0 and "第 2 版" in r.stdout, r.stderr
    r = run_cli(settings, tmp_path, "items", "amend", "LD-01", "--reason", "再改",
                "--effective", "2020-01-01")
    assert r.returncode == 1 and "待公布" in r.stderr
    r = run_cli(settings, tmp_path, "items", "publish", "LD-01")
    assert r.returncode == 0, r.stderr
    current = {v.item.code: v for v in await items.current_published_versions()}
    assert (current["LD-01"].version, current["LD-01"].method) == (2, "实地检查、书面审查")

    r = run_cli(settings, tmp_path, "items", "withdraw", "LD-00", "--reason", "法规废止")
    assert r.returncode == 0, r.stderr
    assert [v.item.code for v in await items.current_published_versions()] == ["LD-01"]
    assert await Publication.filter(kind=PublicationKind.ITEM_LIST).count() == 4

    r = run_cli(settings, tmp_path, "items", "list")
    assert r.returncode == 0
    assert "LD-00\t第 2 版\t已撤销" in r.stdout and "LD-01\t第 2 版\t已公布" in r.stdout
    r = run_cli(settings, tmp_path, "items", "publish", "NOPE")
    assert r.returncode == 1 and "不存在" in r.stderr
