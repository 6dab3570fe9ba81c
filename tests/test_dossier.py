"""Recommendation dossiers, opened with python-docx and pdftotext; refusals in Chinese."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from docx import Document

from tests.conftest import ContentRepo, requires
from tests.sitebuild import SAMPLE_SITE_URL, copy_sample
from tests.test_book import run_cli, sample_stories


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("dossier"))


def dossier(root: Path, out: Path, *args: str) -> tuple[int, str]:
    return run_cli("-f", str(root / "mkdocs.yml"), "dossier", "--out", str(out), *args)


def facts(path: Path) -> dict[str, str]:
    """Every two-column row of every table, label → value."""
    found = {}
    for table in Document(str(path)).tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if len(cells) == 2:
                found[cells[0]] = cells[1]
    return found


@pytest.fixture(scope="module")
def he_lanxin(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    code, text = dossier(sample, out, "2024-no1-he-lanxin", "--for", "中国好人", "--pdf")
    assert code == 0, text
    assert f"已写入 {out / '2024-no1-he-lanxin.docx'}" in text
    return out


def test_docx_holds_the_basic_information_eligibility_and_process(he_lanxin: Path) -> None:
    path = he_lanxin / "2024-no1-he-lanxin.docx"
    cells = facts(path)
    assert cells["姓名"] == "何兰心"
    assert cells["主体类型"] == "个人"
    assert cells["岗位职务"] == "青屿市第一中学高二年级班主任"
    assert cells["所在单位"] == "青屿市第一中学"
    assert cells["故事类别"] == "孝老爱亲"
    assert cells["故事编号"] == "2024-no1-he-lanxin"
    assert cells["永久链接"] == f"{SAMPLE_SITE_URL}s/2024-no1-he-lanxin/"
    assert cells["是否存在争议"] == cells["是否有违法犯罪记录"] == cells["是否受过纪律处分"] == "否"
    assert cells["审查单位"] == "市直机关文明办" and cells["审查日期"] == "2024-05-20"
    assert cells["群众评选"] == "2024-04-19" and cells["单位推荐"] == "2024-05-10" and cells["组织审定"] == "2024-05-22"
    assert cells["基层公示"] == "2024-05-27 至 2024-05-31，共 5 个工作日"
    assert cells["正式发布"] == "2024-06-05"


def test_docx_holds_title_deeds_honors_and_photos(he_lanxin: Path) -> None:
    doc = Document(str(he_lanxin / "2024-no1-he-lanxin.docx"))
    assert doc.paragraphs[0].text == "何兰心推荐参评“中国好人”材料"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "父亲患阿尔茨海默病后" in text  # the summary
    assert "她的一天从清晨五点半开始" in text  # the body
    honors = next(t for t in doc.tables if t.rows[0].cells[0].text == "年份")
    assert [c.text for c in honors.rows[1].cells] == ["2024", "县（区）级", "道德模范"]
    assert len(doc.inline_shapes) == 2  # the body photo and the cover
    assert "示意插图：阳光下的校园教学楼与操场" in text
    assert doc.sections[0].footer.paragraphs[0].text.startswith("根据故事库 2024-no1-he-lanxin 生成于 2026-11-23")
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == ["一、基本情况", "二、主要事迹", "三、资格审查", "四、选树程序", "五、所获荣誉", "六、照片"]


@requires("pdftotext")
def test_pdf_version_carries_the_same_facts(he_lanxin: Path) -> None:
    pdf = he_lanxin / "2024-no1-he-lanxin.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in (
        "何兰心推荐参评“中国好人”材料",
        "市直机关文明办",
        "2024-05-27 至 2024-05-31，共 5 个工作日",
        "道德模范",
    ):
        assert words in text.replace("\n", ""), words


def test_unpublished_withdrawn_and_unknown_stories_are_refused_and_nothing_is_written(
    sample: Path, tmp_path: Path
) -> None:
    stories = {s["id"]: s for s in sample_stories()}
    notice = next(i for i, s in stories.items() if s["status"] == "notice")
    withdrawn = next(i for i, s in stories.items() if s["status"] == "withdrawn")
    out = tmp_path / "out"
    code, text = dossier(sample, out, "2024-no1-he-lanxin", notice, withdrawn, "2099-nobody")
    assert code == 1
    assert f"故事 {notice}（{stories[notice]['title']}）还在公示中，尚未发布" in text
    assert f"故事 {withdrawn}（{stories[withdrawn]['title']}）已撤下，不能推荐" in text
    assert "没有编号为“2099-nobody”的故事" in text
    assert "3 个故事不能生成推荐材料，没有写入任何文件" in text
    assert "Traceback" not in text and "reason" not in text
    assert not out.exists() or not any(out.iterdir())


def test_an_ineligible_story_is_refused_with_the_reason(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story(changes={"eligibility.criminal_record": True, "eligibility.controversial": True})
    repo.write_story("2024-other", changes={"title": "另一个故事"})
    repo.write_config()
    code, text = dossier(repo.root, tmp_path / "out", "2024-lin-postman")
    assert code == 1
    assert "资格审查显示“存在争议、有违法犯罪记录”，不符合推荐条件" in text
    code, text = dossier(repo.root, tmp_path / "out", "2024-other")  # another story's errors do not block this one
    assert code == 0, text


def test_a_story_with_unfixed_errors_is_refused(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story(changes={"summary": "联系电话 13812345678"})
    repo.write_config()
    code, text = dossier(repo.root, tmp_path / "out", "2024-lin-postman")
    assert code == 1
    assert "还有 1 个错误未改正" in text and "手机号码" in text


def test_dossiers_by_honor_and_year(sample: Path, tmp_path: Path) -> None:
    wanted = sorted(
        s["id"]
        for s in sample_stories()
        if s["status"] == "published"
        and any(h["title"] == "道德模范" and h["year"] == 2024 for h in s.get("honors", []))
    )
    assert wanted
    code, text = dossier(sample, tmp_path, "--honor", "道德模范", "--year", "2024")
    assert code == 0, text
    assert sorted(p.stem for p in tmp_path.glob("*.docx")) == wanted
    code, text = dossier(sample, tmp_path / "none", "--honor", "道德模范", "--year", "1999")
    assert code == 2 and "没有1999 年获评“道德模范”的已发布、资格审查合格的故事" in text
    code, text = dossier(sample, tmp_path / "none", "2024-no1-he-lanxin", "--year", "2024")
    assert code == 2 and "不能同时使用" in text


def test_a_reference_document_in_custom_dir_sets_the_styles(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story()
    repo.write_config()
    config = yaml.safe_load((repo.root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = "overrides"
    (repo.root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    reference = Document()
    reference.sections[0].header.paragraphs[0].text = "青屿市文明办专用信笺"
    reference.add_paragraph("模板里的示例文字")
    (repo.root / "overrides" / "book").mkdir(parents=True)
    reference.save(str(repo.root / "overrides" / "book" / "dossier.docx"))
    code, text = dossier(repo.root, tmp_path, "2024-lin-postman")
    assert code == 0, text
    made = Document(str(tmp_path / "2024-lin-postman.docx"))
    assert made.sections[0].header.paragraphs[0].text == "青屿市文明办专用信笺"
    assert "模板里的示例文字" not in "\n".join(p.text for p in made.paragraphs)
    assert facts(tmp_path / "2024-lin-postman.docx")["姓名"] == "林某某"
