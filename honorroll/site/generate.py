"""Pages generated from the archive: one page per published story, plus the lists.

Pages are created in the build (``File.generated``), never written into the source tree.
"""

from __future__ import annotations

from collections import defaultdict

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..checker import CheckResult
from ..config import HonorRollConfig
from ..loader import body_images
from ..model import Story, Unit
from ..schema import SUBJECT_TYPE_LABELS


def story_page_uri(story: Story) -> str:
    """Source path of the generated page; mirrors the content layout so relative photo links keep working."""
    return story.file


def story_markdown(story: Story, units: dict[str, Unit], settings: HonorRollConfig) -> str:
    unit = units.get(story.unit or "")
    subject = story.subject
    facts = []
    if subject is not None:
        who = subject.name + (f"（{subject.position}）" if subject.position else "")
        facts.append(f"**{SUBJECT_TYPE_LABELS[subject.type]}**：{who}")
    if unit is not None:
        facts.append(f"**单位**：{unit.display_name}")
    facts.append(f"**类别**：{story.category}")
    facts.append(f"**年度**：{story.year}")
    lines = [
        "---",
        f"title: {_yaml_text(story.title or story.id)}",
        f"description: {_yaml_text(story.summary or '')}",
        "---",
        "",
        f"# {story.title}",
        "",
        " · ".join(facts),
        "",
        f"> {story.summary}",
        "",
    ]
    if story.cover is not None:
        lines += [f"![{story.cover.alt}]({story.cover.src})", ""]
    if story.honors:
        labels = settings.honor_levels
        lines += [
            "**后续荣誉**：" + "；".join(f"{h.year} 年{labels.get(h.level, h.level)}“{h.title}”" for h in story.honors),
            "",
        ]
    lines.append(story.body)
    return "\n".join(lines)


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def index_markdown(result: CheckResult, settings: HonorRollConfig) -> str:
    by_year: dict[int, list[Story]] = defaultdict(list)
    for story in result.archive.published():
        by_year[story.year].append(story)
    lines = ["---", "title: 光荣榜", "---", "", f"# {settings.programme_name} 光荣榜", ""]
    for year in sorted(by_year, reverse=True):
        lines += [f"## {year} 年", ""]
        for story in sorted(by_year[year], key=lambda s: (s.published_on or s.year, s.id)):
            lines.append(f"- [{story.title}]({story_page_uri(story)})：{story.summary}")
        lines.append("")
    notice = [s for s in result.archive.stories if s.status == "notice"]
    if notice:
        lines += ["## 公示中", ""]
        for story in notice:
            period = f"{story.process.notice_start} 至 {story.process.notice_end}" if story.process else ""
            lines.append(f"- {story.title}（公示期 {period}）")
        lines.append("")
    return "\n".join(lines)


def add_site_files(files: Files, config: MkDocsConfig, settings: HonorRollConfig, result: CheckResult) -> None:
    root = str(result.archive.root)
    units = result.archive.units
    for story in result.archive.published():
        files.append(File.generated(config, story_page_uri(story), content=story_markdown(story, units, settings)))
        if story.is_bundle:
            srcs = [story.cover.src] if story.cover else []
            srcs += [src for src, _alt, _line in body_images(story)]
            for src in dict.fromkeys(srcs):
                files.append(
                    File(
                        f"{story.folder}/{src}",
                        src_dir=root,
                        dest_dir=config.site_dir,
                        use_directory_urls=config.use_directory_urls,
                    )
                )
    if files.get_file_from_path("index.md") is None:
        files.append(File.generated(config, "index.md", content=index_markdown(result, settings)))
