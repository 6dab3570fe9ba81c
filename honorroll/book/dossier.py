"""Recommendation dossiers: everything an office sends upward about one story, as data.

Only a published story whose eligibility check is complete and clean can be recommended; every other
request is refused with the reason, and nothing is written when any request is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from honorroll.book.context import BookError, PrintContext
from honorroll.book.photos import PrintPhotos
from honorroll.book.render import MarkdownRenderer, render_template, write_pdf
from honorroll.book.views import HonorView, StoryView, story_view
from honorroll.content.model import Story
from honorroll.content.schema import STATUS_LABELS
from honorroll.rules.story import FLAG_LABELS
from honorroll.rules.workdays import count_workdays


@dataclass(frozen=True)
class DossierRequest:
    ids: list[str] = field(default_factory=list)
    honor: str | None = None
    year: int | None = None
    """With ``honor``: the year the honor was given; alone: the selection year."""
    recommend_for: str | None = None
    pdf: bool = False


@dataclass
class DossierOutcome:
    stories: list[Story] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Dossier:
    """Plain data for the .docx writer and the PDF template."""

    title: str
    subtitle: str
    story: StoryView
    basic: list[tuple[str, str]]
    eligibility: list[tuple[str, str]]
    process: list[tuple[str, str]]
    honors: list[HonorView]
    body_html: Markup
    cover: Path | None
    cover_alt: str
    footer: str


def refusal(story: Story | None, story_id: str, ctx: PrintContext) -> str | None:
    """Why this story cannot be recommended, in Chinese; None when it can."""
    if story is None:
        return f"没有编号为“{story_id}”的故事：请核对编号（即 stories/<年度>/ 中的文件名或文件夹名）"
    name = f"故事 {story.id}（{story.title or '无标题'}）"
    if story.status == "notice":
        return f"{name}还在公示中，尚未发布：公示期满、状态改为 published 并发布后，才能生成推荐材料"
    if story.status == "withdrawn":
        return f"{name}已撤下，不能推荐"
    if not story.is_published:
        return f"{name}的状态不是“{STATUS_LABELS['published']}”，不能推荐：请先运行 honorroll check 并改正"
    elig = story.eligibility
    if elig is None or elig.checked_by is None or elig.checked_on is None or None in elig.flags.values():
        return f"{name}的资格审查信息不完整（eligibility 的各项、checked_by、checked_on），不能推荐：请补全后再生成"
    failed = [FLAG_LABELS[key] for key, value in elig.flags.items() if value]
    if failed:
        return f"{name}资格审查显示“{'、'.join(failed)}”，不符合推荐条件"
    errors = [d for d in ctx.result.errors if d.file == story.file]
    if errors:
        first = errors[0]
        return (
            f"{name}还有 {len(errors)} 个错误未改正（第一个：第 {first.line} 行 {first.field}：{first.message}），"
            "请先运行 honorroll check 并改正"
        )
    return None


def choose(ctx: PrintContext, request: DossierRequest) -> tuple[list[Story], list[str]]:
    by_id = ctx.result.archive.by_id()
    if request.ids and (request.honor or request.year):
        raise BookError("故事编号和 --honor、--year 不能同时使用：要么列出编号，要么按荣誉或年度选择")
    if request.ids:
        chosen, refused = [], []
        for story_id in dict.fromkeys(request.ids):
            story = by_id.get(story_id)
            reason = refusal(story, story_id, ctx)
            if reason:
                refused.append(reason)
            elif story is not None:
                chosen.append(story)
        return chosen, refused
    if request.honor is None and request.year is None:
        raise BookError("请写出故事编号（如 honorroll dossier 2024-no1-he-lanxin），或用 --honor、--year 选择故事")
    if request.honor and request.honor not in ctx.settings.honor_titles:
        raise BookError(f"荣誉称号“{request.honor}”不存在，可选：{'、'.join(ctx.settings.honor_titles)}")
    chosen = []
    for story in ctx.result.archive.stories:
        if request.honor:
            wanted = any(h.title == request.honor and request.year in (None, h.year) for h in story.honors)
        else:
            wanted = story.year == request.year
        if wanted and refusal(story, story.id, ctx) is None:
            chosen.append(story)
    if not chosen:
        if request.honor:
            what = f"{request.year} 年获评“{request.honor}”" if request.year else f"获评“{request.honor}”"
        else:
            what = f"{request.year} 年度"
        raise BookError(f"没有{what}的已发布、资格审查合格的故事，未生成推荐材料")
    return sorted(chosen, key=lambda s: (s.year, s.id)), []


def _yes_no(value: bool | None) -> str:
    return "是" if value else "否"


def dossier_data(
    story: Story, ctx: PrintContext, request: DossierRequest, markdown: MarkdownRenderer, photos: PrintPhotos
) -> Dossier:
    view = story_view(story, ctx, markdown, photos)
    elig = story.eligibility
    process = story.process
    assert elig is not None
    basic = [
        ("姓名" if story.subject and story.subject.type == "individual" else "集体名称", view.subject_name),
        ("主体类型", view.subject_kind),
        ("岗位职务", view.subject_position or "—"),
        ("所在单位", view.unit_full_name),
        ("故事类别", view.category),
        ("选树年度", f"{story.year} 年度"),
        ("故事标题", view.title),
        ("故事编号", story.id),
        ("发布日期", story.published_on.isoformat() if story.published_on else "—"),
        ("永久链接", view.short_url),
    ]
    eligibility = [
        ("是否存在争议", _yes_no(elig.controversial)),
        ("是否有违法犯罪记录", _yes_no(elig.criminal_record)),
        ("是否受过纪律处分", _yes_no(elig.disciplinary_sanction)),
        ("审查单位", elig.checked_by or ""),
        ("审查日期", elig.checked_on.isoformat() if elig.checked_on else ""),
    ]
    steps: list[tuple[str, str]] = []
    if process is not None:
        steps = [
            ("群众评选", process.nominated_on.isoformat() if process.nominated_on else "—"),
            ("单位推荐", process.recommended_on.isoformat() if process.recommended_on else "—"),
            ("组织审定", process.approved_on.isoformat() if process.approved_on else "—"),
        ]
        if process.notice_start and process.notice_end:
            days = count_workdays(process.notice_start, process.notice_end)
            estimate = "（按周一至周五估算）" if days.uncovered_years else ""
            steps.append(
                (
                    "基层公示",
                    f"{process.notice_start.isoformat()} 至 {process.notice_end.isoformat()}，共 {days.days} 个工作日{estimate}",
                )
            )
        steps.append(("正式发布", story.published_on.isoformat() if story.published_on else "—"))
    subject = view.subject_name
    title = f"{subject}推荐参评“{request.recommend_for}”材料" if request.recommend_for else f"{subject}推荐材料"
    return Dossier(
        title=title,
        subtitle=f"{ctx.settings.programme_name} · {story.year} 年度选树故事",
        story=view,
        basic=basic,
        eligibility=eligibility,
        process=steps,
        honors=view.honors,
        body_html=view.body,
        cover=view.cover_path,
        cover_alt=view.cover_alt,
        footer=f"根据故事库 {story.id} 生成于 {ctx.today.isoformat()} · {view.short_url}",
    )


def write_dossiers(ctx: PrintContext, request: DossierRequest, out_dir: Path) -> DossierOutcome:
    from honorroll.book.dossier_docx import reference_document, write_docx

    stories, refused = choose(ctx, request)
    outcome = DossierOutcome(stories=stories, refused=refused)
    if refused:
        return outcome
    markdown = MarkdownRenderer(ctx)
    photos = PrintPhotos(ctx.cache_dir)
    reference = reference_document(ctx.custom_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for story in stories:
        data = dossier_data(story, ctx, request, markdown, photos)
        target = out_dir / f"{story.id}.docx"
        write_docx(data, target, reference, photos.root)
        outcome.written.append(target)
        if request.pdf:
            pdf = out_dir / f"{story.id}.pdf"
            write_pdf(render_template(ctx, "dossier.html", dossier=data), pdf, ctx, [photos.root])
            outcome.written.append(pdf)
    return outcome
